/// A QR Code symbol (ISO/IEC 18004:2006, Model 2) holding bytes in byte mode, enough for a
/// link; versions 1–40, the smallest that fits being chosen, at a selectable
/// error-correction level.
///
/// Encoding (§6): mode indicator 0100, the byte count (8 bits up to version 9, 16 after,
/// Table 3), the bytes, a terminator of up to four 0 bits, 0 bits to a byte boundary and pad
/// codewords 0xEC 0x11 (§6.4); Reed–Solomon codewords per block (§6.5), blocks interleaved
/// (§6.6); placed around the function patterns, masked with the pattern of lowest penalty
/// (§6.8), with format and version information (§6.9, §6.10).
public struct QRCode: Sendable {
  /// The version (1–40); the symbol is 4·version + 17 modules wide.
  public let version: Int
  public let level: Level
  /// The data mask pattern (0–7, Table 10).
  public let mask: Int
  /// Modules on a side, quiet zone not included.
  public let size: Int
  private let modules: [Bool]

  /// Thrown when the bytes do not fit a version-40 symbol at the level.
  public struct TooLong: Error, CustomStringConvertible {
    public let count: Int
    public let capacity: Int
    public var description: String {
      "\(count) bytes do not fit a QR code (at most \(capacity) at this level)"
    }
  }

  /// Encodes `bytes` in the smallest version that holds them at `level`. `mask` forces a mask
  /// pattern (0–7) instead of the one of lowest penalty (tests).
  public init(_ bytes: [UInt8], level: Level = .medium, mask forcedMask: Int? = nil) throws {
    precondition(forcedMask.map { (0..<8).contains($0) } ?? true, "mask is 0–7")
    guard
      let version = (1...40).first(where: {
        Self.capacity(version: $0, level: level) >= bytes.count
      })
    else { throw TooLong(count: bytes.count, capacity: Self.capacity(version: 40, level: level)) }
    var unmasked = QRMatrix(version: version)
    assert(unmasked.dataModuleCount / 8 == Self.codewordCount(version: version))
    unmasked.place(Self.codewords(bytes, version: version, level: level))
    let placed = unmasked
    func masked(_ mask: Int) -> QRMatrix {
      var matrix = placed
      matrix.apply(mask: mask)
      matrix.drawFormat(mask: mask, level: level)
      return matrix
    }
    let mask =
      forcedMask
      ?? {
        let penalties = (0..<8).map { masked($0).penalty }
        return penalties.indices.min { penalties[$0] < penalties[$1] }!
      }()
    let matrix = masked(mask)
    self.version = version
    self.level = level
    self.mask = mask
    size = matrix.size
    modules = matrix.dark
  }

  /// Whether the module at column `x`, row `y` is dark; outside the symbol (the quiet zone)
  /// every module is light.
  public func isDark(x: Int, y: Int) -> Bool {
    guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
    return modules[y * size + x]
  }

  /// How many bytes a symbol of `version` holds at `level` in byte mode (Table 7).
  public static func capacity(version: Int, level: Level) -> Int {
    let countBits = version < 10 ? 8 : 16
    return (dataCodewordCount(version: version, level: level) * 8 - 4 - countBits) / 8
  }

  /// All codewords, data and error correction, of a version (Table 1): the modules
  /// left once the function patterns — finders with separators (3 × 64), timing (2 × (size −
  /// 16)), format information and dark module (31), alignment patterns less their overlap
  /// with timing, version information (2 × 18) — are taken, in whole bytes.
  static func codewordCount(version v: Int) -> Int {
    var modules = (4 * v + 17) * (4 * v + 17) - 192 - 2 * (4 * v + 1) - 31
    if v >= 2 {
      let n = v / 7 + 2
      modules -= 25 * (n * n - 3) - 10 * (n - 2)
    }
    if v >= 7 { modules -= 36 }
    return modules / 8
  }

  static func dataCodewordCount(version: Int, level: Level) -> Int {
    let blocks = level.blocks(version: version)
    return codewordCount(version: version) - blocks.eccPerBlock * blocks.count
  }

  /// The data codewords in blocks, each followed by its error-correction codewords, then
  /// interleaved: the first data codeword of every block, the second, …, then the
  /// error-correction codewords the same way (§6.6).
  static func codewords(_ bytes: [UInt8], version: Int, level: Level) -> [UInt8] {
    let capacity = dataCodewordCount(version: version, level: level)
    var bits: [Bool] = []
    func append(_ value: Int, _ count: Int) {
      for i in (0..<count).reversed() { bits.append((value >> i) & 1 != 0) }
    }
    append(0b0100, 4)
    append(bytes.count, version < 10 ? 8 : 16)
    for byte in bytes { append(Int(byte), 8) }
    append(0, min(4, capacity * 8 - bits.count))
    append(0, (8 - bits.count % 8) % 8)
    var data = stride(from: 0, to: bits.count, by: 8).map { start in
      bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
    }
    for pad in 0..<(capacity - data.count) { data.append(pad % 2 == 0 ? 0xEC : 0x11) }

    let (eccLength, blockCount) = level.blocks(version: version)
    let total = codewordCount(version: version)
    let shortBlocks = blockCount - total % blockCount
    let shortLength = total / blockCount - eccLength
    var blocks: [[UInt8]] = []
    var eccs: [[UInt8]] = []
    var start = 0
    for b in 0..<blockCount {
      let length = shortLength + (b < shortBlocks ? 0 : 1)
      let block = Array(data[start..<start + length])
      blocks.append(block)
      eccs.append(ReedSolomon.remainder(block, degree: eccLength))
      start += length
    }
    var result: [UInt8] = []
    for i in 0...shortLength {
      for block in blocks where i < block.count { result.append(block[i]) }
    }
    for i in 0..<eccLength {
      for ecc in eccs { result.append(ecc[i]) }
    }
    return result
  }
}

/// Random UUIDs (version 4, RFC 9562 §5.4) handed out in ascending order, a block at a time
/// (issue 17). An import gives each row the next one, so the ids of a block enter the primary
/// key index in order — one sweep over its pages instead of a page at random per row, which is
/// most of what an import costs once the index outgrows the page cache (BENCHMARKS.md).
///
/// Each id is drawn as `Random.uuid4` draws one — 122 random bits from OpenSSL's `RAND_bytes`
/// — and the ids of a block are a uniform random set; only the order they are handed out in is
/// sorted, so two ids of one import tell at most which of their rows came first in the file
/// (as their `created_at` and list order already do).
public struct AscendingUUIDs {
  /// Ids drawn and sorted at once: 131,072 take 2 MiB.
  public static let defaultBlock = 1 << 17

  let blockSize: Int
  let randomBytes: (Int) throws -> [UInt8]
  /// The block: each id as two big-endian halves, so tuple order is the text's order.
  var block: [(UInt64, UInt64)] = []
  var position = 0

  /// Ids from `randomBytes` (`Random.bytes` in the binary), `blockSize` at a time.
  public init(blockSize: Int = defaultBlock, randomBytes: @escaping (Int) throws -> [UInt8]) {
    self.blockSize = blockSize
    self.randomBytes = randomBytes
  }

  /// The next id, canonical lower-case text.
  public mutating func next() throws -> String {
    if position == block.count { try refill() }
    let (high, low) = block[position]
    position += 1
    return Self.text(high, low)
  }

  /// A new block: drawn 4096 ids at a time, version and variant bits set, sorted.
  mutating func refill() throws {
    block.removeAll(keepingCapacity: true)
    block.reserveCapacity(blockSize)
    while block.count < blockSize {
      let n = min(4096, blockSize - block.count)
      let bytes = try randomBytes(16 * n)
      for i in 0..<n {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for k in 0..<8 {
          high = high << 8 | UInt64(bytes[16 * i + k])
          low = low << 8 | UInt64(bytes[16 * i + 8 + k])
        }
        // Byte 6's high nibble is the version (4), byte 8's two high bits the variant (10).
        high = (high & ~0x0000_0000_0000_F000) | 0x0000_0000_0000_4000
        low = (low & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000
        block.append((high, low))
      }
    }
    block.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    position = 0
  }

  /// The 8-4-4-4-12 text of a 128-bit value, written in one allocation.
  static func text(_ high: UInt64, _ low: UInt64) -> String {
    String(unsafeUninitializedCapacity: 36) { out in
      let digits: StaticString = "0123456789abcdef"
      let hex = digits.utf8Start
      var o = 0
      for (half, value) in [(0, high), (1, low)] {
        for nibble in 0..<16 {
          let position = half * 16 + nibble
          if position == 8 || position == 12 || position == 16 || position == 20 {
            out[o] = UInt8(ascii: "-")
            o += 1
          }
          out[o] = hex[Int((value >> UInt64(60 - 4 * nibble)) & 0xF)]
          o += 1
        }
      }
      return 36
    }
  }
}

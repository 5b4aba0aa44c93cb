/// The module grid of one QR Code symbol while it is built (ISO/IEC 18004:2006 §5.3, §6.7–6.10):
/// function patterns, data placement, masking and the masking penalty. Coordinates are
/// (x = column, y = row) from the top left; `true` is a dark module.
struct QRMatrix {
  let version: Int
  let size: Int
  private(set) var dark: [Bool]
  /// Modules of function patterns and format/version information, which data skips.
  private var reserved: [Bool]

  init(version: Int) {
    self.version = version
    size = version * 4 + 17
    dark = Array(repeating: false, count: size * size)
    reserved = dark
    drawFunctionPatterns()
  }

  subscript(x: Int, y: Int) -> Bool { dark[y * size + x] }

  private mutating func setFunction(_ x: Int, _ y: Int, _ isDark: Bool) {
    dark[y * size + x] = isDark
    reserved[y * size + x] = true
  }

  /// The number of modules left for codewords (and remainder bits) once the function
  /// patterns and format/version areas are reserved.
  var dataModuleCount: Int { reserved.lazy.filter { !$0 }.count }

  /// Alignment pattern centres on each axis (Annex E, Table E.1): 6, then evenly spaced
  /// (by an even step) down to size − 7.
  static func alignmentCentres(version: Int) -> [Int] {
    guard version > 1 else { return [] }
    let count = version / 7 + 2
    let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    let last = version * 4 + 10
    return [6] + (0..<(count - 1)).map { last - step * $0 }.reversed()
  }

  private mutating func drawFunctionPatterns() {
    // Timing patterns (§5.3): alternating, dark on even positions of row and column 6.
    for i in 0..<size {
      setFunction(6, i, i % 2 == 0)
      setFunction(i, 6, i % 2 == 0)
    }
    // Finder patterns with their light separators (§5.3): 7×7 rings 1:1:3:1:1.
    for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
      for dy in -4...4 {
        for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
          let ring = max(abs(dx), abs(dy))
          setFunction(cx + dx, cy + dy, ring != 2 && ring != 4)
        }
      }
    }
    // Alignment patterns (§5.3, Annex E): 5×5, except where they would overlap a finder pattern.
    let centres = Self.alignmentCentres(version: version)
    for (i, cy) in centres.enumerated() {
      for (j, cx) in centres.enumerated() {
        let last = centres.count - 1
        if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
        for dy in -2...2 {
          for dx in -2...2 { setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
        }
      }
    }
    drawFormat(mask: 0)  // reserves the areas; overwritten once the mask is chosen
    drawVersion()
  }

  /// Format information (§6.9): level and mask, a BCH(15,5) code with generator 0x537, XORed
  /// with 0x5412 (Annex C), in two copies, bit 14 first; plus the dark module at (8, size − 8).
  mutating func drawFormat(mask: Int, level: QRCode.Level = .medium) {
    let data = level.formatBits << 3 | mask
    var remainder = data
    for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
    let bits = (data << 10 | remainder) ^ 0x5412
    func bit(_ i: Int) -> Bool { (bits >> i) & 1 != 0 }
    for i in 0...5 { setFunction(8, i, bit(i)) }
    setFunction(8, 7, bit(6))
    setFunction(8, 8, bit(7))
    setFunction(7, 8, bit(8))
    for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
    for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
    for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
    setFunction(8, size - 8, true)
  }

  /// Version information for versions 7 and up (§6.10): a BCH(18,6) code with generator
  /// 0x1F25 (Annex D), in two 6×3 blocks beside the top-right and bottom-left finders.
  private mutating func drawVersion() {
    guard version >= 7 else { return }
    var remainder = version
    for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
    let bits = version << 12 | remainder
    for i in 0..<18 {
      let isDark = (bits >> i) & 1 != 0
      setFunction(size - 11 + i % 3, i / 3, isDark)
      setFunction(i / 3, size - 11 + i % 3, isDark)
    }
  }

  /// Places the codewords' bits, most significant first, in two-module-wide columns from the
  /// bottom right, upwards then downwards, skipping the vertical timing pattern (§6.7).
  /// Modules left over (remainder bits) stay light.
  mutating func place(_ codewords: [UInt8]) {
    var bitIndex = 0
    var right = size - 1
    while right >= 1 {
      if right == 6 { right = 5 }
      let upward = (right + 1) & 2 == 0
      for step in 0..<size {
        let y = upward ? size - 1 - step : step
        for x in [right, right - 1] where !reserved[y * size + x] && bitIndex < codewords.count * 8
        {
          dark[y * size + x] = (codewords[bitIndex >> 3] >> (7 - (bitIndex & 7))) & 1 != 0
          bitIndex += 1
        }
      }
      right -= 2
    }
  }

  /// Inverts the data modules where mask pattern `mask` (§6.8.1, Table 10) holds. `i` is the
  /// row, `j` the column, as in the table.
  mutating func apply(mask: Int) {
    for i in 0..<size {
      for j in 0..<size where !reserved[i * size + j] {
        let hit: Bool
        switch mask {
        case 0: hit = (i + j) % 2 == 0
        case 1: hit = i % 2 == 0
        case 2: hit = j % 3 == 0
        case 3: hit = (i + j) % 3 == 0
        case 4: hit = (i / 2 + j / 3) % 2 == 0
        case 5: hit = (i * j) % 2 + (i * j) % 3 == 0
        case 6: hit = ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: hit = ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
        if hit { dark[i * size + j].toggle() }
      }
    }
  }

  /// The masking penalty (§6.8.2, Table 11), lower is better: N1 = 3 for each run of 5 same
  /// modules plus 1 per further module, N2 = 3 per 2×2 block of one colour, N3 = 40 per
  /// 1:1:3:1:1 finder-like pattern with 4 light modules on a side (outside the symbol counts
  /// as light: the quiet zone), N4 = 10 per 5 % the dark share strays from 50 %.
  var penalty: Int {
    var score = 0
    for horizontal in [true, false] {
      for line in 0..<size {
        var run = 0
        var previous = false
        // The last 11 modules as bits, the newest lowest; 4 light modules pad each end.
        var window = 0
        for i in -4..<(size + 4) {
          let inside = (0..<size).contains(i)
          let module = inside && dark[horizontal ? line * size + i : i * size + line]
          if inside {
            if i > 0 && module == previous {
              run += 1
            } else {
              if run >= 5 { score += run - 2 }
              run = 1
            }
            previous = module
          }
          window = (window << 1 | (module ? 1 : 0)) & 0x7FF
          if i >= 6 && (window == 0b101_1101_0000 || window == 0b000_0101_1101) { score += 40 }
        }
        if run >= 5 { score += run - 2 }
      }
    }
    for y in 0..<(size - 1) {
      for x in 0..<(size - 1) {
        let c = dark[y * size + x]
        if dark[y * size + x + 1] == c && dark[(y + 1) * size + x] == c
          && dark[(y + 1) * size + x + 1] == c
        {
          score += 3
        }
      }
    }
    let darkCount = dark.reduce(0) { $0 + ($1 ? 1 : 0) }
    score += abs(darkCount * 20 - dark.count * 10) / dark.count * 10
    return score
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// The QR Code encoder (ISO/IEC 18004:2006): known answers from the standard and tutorials,
/// and every symbol kind read back by a real decoder (zbarimg, Debian's zbar-tools).
@Suite struct QRCodeTests {
  // MARK: known answers

  /// Annex I's worked example, "01234567" as 1-M: its 16 data codewords give these 10.
  @Test func reedSolomonISOExample() {
    let data: [UInt8] = [
      0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC,
      0x11,
    ]
    let ecc: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
    #expect(ReedSolomon.remainder(data, degree: 10) == ecc)
  }

  /// Thonky's QR tutorial: "HELLO WORLD" as 1-M (alphanumeric), and block 1 of its 5-Q example
  /// (18 error-correction codewords).
  @Test func reedSolomonTutorialExamples() {
    let hello: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    #expect(
      ReedSolomon.remainder(hello, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    let block: [UInt8] = [67, 85, 70, 134, 87, 38, 85, 194, 119, 50, 6, 18, 6, 103, 38]
    #expect(
      ReedSolomon.remainder(block, degree: 18) == [
        213, 199, 11, 45, 115, 247, 241, 223, 229, 248, 154, 117, 154, 111, 86, 161, 111, 39,
      ])
  }

  /// Annex C, Table C.1: the 15 format bits for each level (bits M 00, L 01, H 10, Q 11) and
  /// mask, read from both copies in the symbol.
  @Test func formatInformation() throws {
    let table = [
      0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0, 0x77C4, 0x72F3, 0x7DAA,
      0x789D, 0x662F, 0x6318, 0x6C41, 0x6976, 0x1689, 0x13BE, 0x1CE7, 0x19D0, 0x0762, 0x0255,
      0x0D0C, 0x083B, 0x355F, 0x3068, 0x3F31, 0x3A06, 0x24B4, 0x2183, 0x2EDA, 0x2BED,
    ]
    let indicator: [QRCode.Level: Int] = [.medium: 0, .low: 1, .high: 2, .quartile: 3]
    for level in QRCode.Level.allCases {
      for mask in 0..<8 {
        let qr = try QRCode(Array("format".utf8), level: level, mask: mask)
        let n = qr.size
        // Bit 14 first: around the top-left finder, then the bottom-left/top-right copy.
        let first =
          (0...5).map { (x: $0, y: 8) } + [(x: 7, y: 8), (x: 8, y: 8), (x: 8, y: 7)]
          + (0...5).reversed().map { (x: 8, y: $0) }
        let second = (1...7).map { (x: 8, y: n - $0) } + (8...15).map { (x: n - 16 + $0, y: 8) }
        for copy in [first, second] {
          let bits = copy.reduce(0) { $0 << 1 | (qr.isDark(x: $1.x, y: $1.y) ? 1 : 0) }
          #expect(bits == table[indicator[level]! << 3 | mask], "\(level) mask \(mask)")
        }
        #expect(qr.isDark(x: 8, y: n - 8), "the dark module")
      }
    }
  }

  /// Annex D, Table D.1: version information for versions 7 and 10, in both 6×3 blocks
  /// (bit 17 first).
  @Test func versionInformation() throws {
    for (count, version, expected) in [(107, 7, 0x07C94), (181, 10, 0x0A4D3)] {
      let qr = try QRCode(Array(repeating: UInt8(ascii: "a"), count: count))
      #expect(qr.version == version)
      let n = qr.size
      let cells = (0..<18).reversed().map { (i: Int) in (a: n - 11 + i % 3, b: i / 3) }
      let topRight = cells.reduce(0) { $0 << 1 | (qr.isDark(x: $1.a, y: $1.b) ? 1 : 0) }
      let bottomLeft = cells.reduce(0) { $0 << 1 | (qr.isDark(x: $1.b, y: $1.a) ? 1 : 0) }
      #expect(topRight == expected && bottomLeft == expected, "version \(version)")
    }
  }

  /// Table 7: bytes a version holds in byte mode; the smallest version that fits is chosen.
  @Test func capacityAndVersionChoice() throws {
    let capacities: [QRCode.Level: [Int]] = [
      .low: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271],
      .medium: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213],
      .quartile: [11, 20, 32, 46, 60, 74, 86, 108, 130, 151],
      .high: [7, 14, 24, 34, 44, 58, 64, 84, 98, 119],
    ]
    let version40: [QRCode.Level: Int] = [.low: 2953, .medium: 2331, .quartile: 1663, .high: 1273]
    for level in QRCode.Level.allCases {
      for (i, capacity) in capacities[level]!.enumerated() {
        #expect(QRCode.capacity(version: i + 1, level: level) == capacity, "\(level) v\(i + 1)")
        let full = try QRCode(Array(repeating: 0x41, count: capacity), level: level)
        let over = try QRCode(Array(repeating: 0x41, count: capacity + 1), level: level)
        #expect(full.version == i + 1 && over.version == i + 2, "\(level) \(capacity) bytes")
        #expect(full.size == 4 * (i + 1) + 17)
      }
      #expect(QRCode.capacity(version: 40, level: level) == version40[level])
      #expect(throws: QRCode.TooLong.self) {
        try QRCode(Array(repeating: 0x41, count: version40[level]! + 1), level: level)
      }
    }
    #expect(try QRCode([]).version == 1)
  }

  /// Finder patterns, timing patterns and an alignment pattern where §6.3 puts them.
  @Test func functionPatterns() throws {
    let qr = try QRCode(Array(repeating: 0x41, count: 80))  // version 5, 37 modules
    #expect(qr.size == 37)
    for (cx, cy) in [(3, 3), (33, 3), (3, 33)] {
      for d in -4...4 {
        let ring = abs(d)
        let expected = ring != 2 && ring != 4
        if (0..<37).contains(cx + d) { #expect(qr.isDark(x: cx + d, y: cy) == expected) }
        if (0..<37).contains(cy + d) { #expect(qr.isDark(x: cx, y: cy + d) == expected) }
      }
    }
    for i in 8...28 {
      #expect(qr.isDark(x: i, y: 6) == (i % 2 == 0) && qr.isDark(x: 6, y: i) == (i % 2 == 0))
    }
    // Alignment pattern of version 5 at (30, 30).
    for d in -2...2 {
      #expect(qr.isDark(x: 30 + d, y: 30) == (abs(d) != 1))
    }
    #expect(!qr.isDark(x: -1, y: 0) && !qr.isDark(x: 0, y: 37), "outside is light")
  }

  /// Half blocks: the text's blocks are exactly the light modules, quiet zone included.
  @Test func terminalTextMatchesModules() throws {
    let qr = try QRCode(Array("https://t.me/example_bot?start=abc".utf8))
    let quiet = 2
    let lines = qr.terminalText(quietZone: quiet).split(
      separator: "\n", omittingEmptySubsequences: false)
    let width = qr.size + 2 * quiet
    #expect(lines.count == (width + 1) / 2 + 1 && lines.last == "", "one line per two rows")
    for (row, line) in lines.dropLast().enumerated() {
      let chars = Array(line)
      #expect(chars.count == width)
      for (column, char) in chars.enumerated() {
        let (x, y) = (column - quiet, row * 2 - quiet)
        let top = !qr.isDark(x: x, y: y)
        let bottom = y + 1 < qr.size + quiet && !qr.isDark(x: x, y: y + 1)
        let expected: Character = top ? (bottom ? "█" : "▀") : (bottom ? "▄" : " ")
        #expect(char == expected, "line \(row) column \(column)")
      }
    }
    #expect(lines[0].allSatisfy { $0 == "█" }, "the quiet zone is light")
  }

  @Test func pbmLayout() throws {
    let qr = try QRCode(Array("pbm".utf8))
    let image = qr.pbm(scale: 3, quietZone: 4)
    let width = (21 + 8) * 3
    let header = Array("P4\n\(width) \(width)\n".utf8)
    #expect(Array(image.prefix(header.count)) == header)
    #expect(image.count == header.count + (width + 7) / 8 * width)
    // The top-left finder's corner module is dark: pixel (12, 12) is bit 12 of row 12.
    let row12 = header.count + 12 * ((width + 7) / 8)
    #expect(image[row12 + 1] & 0x08 != 0)
    #expect(image[row12] == 0, "quiet zone")
  }

  // MARK: a real decoder

  static let zbarimg: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/zbarimg" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }()

  /// zbarimg is installed, or this is CI (where its absence fails the test).
  static let decoderPresent: ConditionTrait = .enabled(
    if: Prerequisite.isCI || zbarimg != nil, "zbarimg is not installed (apt-get install zbar-tools)"
  )

  /// A random base64url string of `count` characters.
  static func randomText(_ count: Int) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return String((0..<count).map { _ in alphabet.randomElement()! })
  }

  /// Renders each symbol as PBM and decodes them all in one `zbarimg --raw` run; returns
  /// the texts it read, one per image, in order.
  static func decode(_ codes: [QRCode], scale: Int = 4) throws -> [String] {
    let zbarimg = try #require(zbarimg, "zbarimg is missing: apt-get install zbar-tools")
    let dir = try TempDir("qr")
    var files: [String] = []
    for (i, qr) in codes.enumerated() {
      files.append(dir.file("\(i).pbm"))
      try Data(qr.pbm(scale: scale)).write(to: URL(fileURLWithPath: files[i]))
    }
    let result = try run(zbarimg, ["--raw", "-q"] + files)
    #expect(result.status == 0, "zbarimg exit \(result.status): \(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  /// A Telegram link with a 43-character nonce, and texts reaching versions 1, 4, 7 and 10,
  /// at every level, each read back whole.
  @Test(QRCodeTests.decoderPresent)
  func zbarimgReadsLinksAndVersions() throws {
    let link = "https://t.me/authctl_bot?start=" + Self.randomText(43)
    var texts: [String] = []
    var codes: [QRCode] = []
    for level in QRCode.Level.allCases {
      for version in [1, 4, 7, 10] {
        texts.append(Self.randomText(QRCode.capacity(version: version, level: level)))
        codes.append(try QRCode(Array(texts.last!.utf8), level: level))
        #expect(codes.last!.version == version)
      }
      texts.append(link)
      codes.append(try QRCode(Array(link.utf8), level: level))
    }
    #expect(codes[4].version == 4 && codes[9].version == 5, "74 bytes: 4-L, 5-M")
    #expect(try Self.decode(codes) == texts)
  }

  /// Each mask pattern forced once, on the link.
  @Test(QRCodeTests.decoderPresent)
  func zbarimgReadsEveryMask() throws {
    let link = "https://t.me/authctl_bot?start=" + Self.randomText(43)
    let codes = try (0..<8).map { try QRCode(Array(link.utf8), mask: $0) }
    #expect(codes.map(\.mask) == Array(0..<8))
    #expect(try Self.decode(codes) == Array(repeating: link, count: 8))
  }

  /// Every version from 1 to 40 at every level, filled to capacity: checks the block table.
  /// (The mask is forced, rotating, to save the penalty search in a debug build.)
  @Test(QRCodeTests.decoderPresent, .tags(.slow))
  func zbarimgReadsEveryVersion() throws {
    var texts: [String] = []
    var codes: [QRCode] = []
    for level in QRCode.Level.allCases {
      for version in 1...40 {
        texts.append(Self.randomText(QRCode.capacity(version: version, level: level)))
        codes.append(try QRCode(Array(texts.last!.utf8), level: level, mask: version % 8))
      }
    }
    #expect(codes.map(\.version) == Array(repeating: Array(1...40), count: 4).flatMap { $0 })
    #expect(try Self.decode(codes, scale: 2) == texts)
  }
}

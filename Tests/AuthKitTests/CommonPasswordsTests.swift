import Testing

@testable import AuthKit

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The shipped list: data/common-passwords.txt and its generated Swift copy agree.
@Suite struct CommonPasswordsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func swiftCopyMatchesTheDataFile() throws {
    let data = try Data(contentsOf: Self.root.appendingPathComponent("data/common-passwords.txt"))
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    #expect(lines.count == 10_000)
    #expect(CommonPasswords.list == lines)
    #expect(Set(lines).count == 10_000)
  }

  @Test func lookupIgnoresCase() {
    #expect(CommonPasswords.contains("password"))
    #expect(CommonPasswords.contains("PassWord"))
    #expect(CommonPasswords.contains("123456"))
    #expect(!CommonPasswords.contains("purple monkey dishwasher"))
  }
}

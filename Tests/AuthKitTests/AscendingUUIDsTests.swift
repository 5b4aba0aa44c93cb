import Testing

@testable import AuthKit

/// The ids of an import (issue 17): random version-4 UUIDs, unique, handed out in ascending
/// order within each block.
@Suite struct AscendingUUIDsTests {
  @Test func randomVersionFourAscendingPerBlock() throws {
    var ids = AscendingUUIDs(blockSize: 1000, randomBytes: { try Random.bytes($0) })
    let taken = try (0..<3000).map { _ in try ids.next() }
    #expect(Set(taken).count == 3000, "unique")
    for id in taken {
      #expect(
        id.wholeMatch(of: #/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/#)
          != nil, "\(id)")
    }
    for block in stride(from: 0, to: 3000, by: 1000) {
      let part = Array(taken[block..<block + 1000])
      #expect(part == part.sorted(), "ascending within a block")
    }
  }

  /// The text is the canonical form of the drawn bytes, version and variant bits set.
  @Test func textOfKnownBytes() throws {
    var ids = AscendingUUIDs(blockSize: 1, randomBytes: { Array(repeating: 0xff, count: $0) })
    #expect(try ids.next() == "ffffffff-ffff-4fff-bfff-ffffffffffff")
    var zeros = AscendingUUIDs(blockSize: 2, randomBytes: { Array(repeating: 0, count: $0) })
    #expect(try zeros.next() == "00000000-0000-4000-8000-000000000000")
    let counting = { (n: Int) -> [UInt8] in (0..<n).map { UInt8($0 % 16) } }
    var ordered = AscendingUUIDs(blockSize: 1, randomBytes: counting)
    #expect(
      try ordered.next()
        == UUIDText.format([0, 1, 2, 3, 4, 5, 0x46, 7, 0x88, 9, 10, 11, 12, 13, 14, 15]))
  }
}

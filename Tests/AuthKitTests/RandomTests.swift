import AuthKit
import Testing

/// Random values from RAND_bytes: bounds, reach, alphabets, UUID bits.
@Suite struct RandomTests {
  @Test func bytesHaveTheLengthAskedAndDiffer() throws {
    #expect(try Random.bytes(0).isEmpty)
    #expect(try Random.bytes(32).count == 32)
    #expect(try Random.bytes(32) != Random.bytes(32))
  }

  @Test func uniformStaysBelowItsBoundAndReachesEveryValue() throws {
    for bound: UInt32 in [1, 2, 3, 7, 10, 62] {
      var seen = Set<UInt32>()
      for _ in 0..<(Int(bound) * 60) {
        let v = try Random.uniform(bound)
        #expect(v < bound)
        seen.insert(v)
      }
      #expect(seen.count == Int(bound))
    }
    // A bound just above 2^31 rejects almost half the draws; it must still answer.
    let big: UInt32 = 0x8000_0001
    for _ in 0..<50 { #expect(try Random.uniform(big) < big) }
  }

  @Test func digitsAreDecimal() throws {
    for _ in 0..<50 {
      let code = try Random.digits(6)
      #expect(code.count == 6)
      #expect(code.allSatisfy { "0123456789".contains($0) })
    }
  }

  @Test func alphanumericUsesLettersAndDigitsOnly() throws {
    var seen = Set<Character>()
    for _ in 0..<100 {
      let s = try Random.alphanumeric(16)
      #expect(s.count == 16)
      #expect(s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
      seen.formUnion(s)
    }
    #expect(seen.count == 62)
  }

  @Test func uuid4HasVersionAndVariantBits() throws {
    for _ in 0..<50 {
      let u = try Random.uuid4()
      let c = Array(u)
      #expect(c.count == 36)
      #expect(c[8] == "-" && c[13] == "-" && c[18] == "-" && c[23] == "-")
      #expect(c[14] == "4")
      #expect("89ab".contains(c[19]))
      #expect(u == u.lowercased())
    }
    #expect(try Random.uuid4() != Random.uuid4())
  }

  @Test func uuid5MatchesPython() {
    // Python: str(uuid.uuid5(uuid.NAMESPACE_DNS, name)).
    #expect(UUID5.dns("python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    #expect(UUID5.dns("user@example.com") == "b21b5663-c40d-51b7-8d60-c015e3de48e9")
  }
}

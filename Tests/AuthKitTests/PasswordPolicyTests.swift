import AuthKit
import Testing

/// NIST SP 800-63B password rules: each refusal, and what is accepted.
@Suite struct PasswordPolicyTests {
  let policy = PasswordPolicy()

  @Test func acceptsALongUncommonPasswordAndReturnsItNormalised() throws {
    #expect(
      try policy.check("purple monkey dishwasher", email: "ann@example.com")
        == "purple monkey dishwasher")
    let decomposed = "cafe\u{301} creme brulee"
    let result = try policy.check(decomposed, email: nil)
    #expect(Array(result.utf8) == Array("caf\u{e9} creme brulee".utf8))
  }

  @Test func eachRefusal() {
    #expect(throws: PasswordRejection.empty) { try policy.check("", email: nil) }
    #expect(throws: PasswordRejection.containsNUL) {
      try policy.check("long enough pass\u{0}word", email: nil)
    }
    #expect(throws: PasswordRejection.tooShort(12)) { try policy.check("elevenchars", email: nil) }
    #expect(throws: PasswordRejection.tooLong) {
      try policy.check(String(repeating: "a", count: 73), email: nil)
    }
    #expect(throws: PasswordRejection.sameAsEmail) {
      try policy.check("Ann.Example@Example.com", email: "ann.example@example.com")
    }
    #expect(throws: PasswordRejection.sameAsEmail) {
      try policy.check("ANN.LONGNAME.X", email: "ann.longname.x@example.com")
    }
    // On the list ("1qaz2wsx3edc"), whatever the case.
    #expect(throws: PasswordRejection.common) { try policy.check("1QAZ2wsx3edc", email: nil) }
    #expect(throws: PasswordRejection.common) {
      try PasswordPolicy(minLength: 8).check("PassWord", email: nil)
    }
  }

  @Test func lengthCountsCharactersAndLimitCountsBytes() throws {
    // 12 characters of 2 bytes each: long enough, 24 bytes.
    #expect(try policy.check(String(repeating: "é", count: 12), email: nil).count == 12)
    // 11 decomposed "é" are 22 scalars but 11 characters: too short.
    #expect(throws: PasswordRejection.tooShort(12)) {
      try policy.check(String(repeating: "e\u{301}", count: 11), email: nil)
    }
    // 72 bytes exactly pass; 24 three-byte characters are 72 bytes; 25 are 75.
    #expect(try policy.check(String(repeating: "x", count: 72), email: nil).utf8.count == 72)
    #expect(try policy.check(String(repeating: "€", count: 24), email: nil).utf8.count == 72)
    #expect(throws: PasswordRejection.tooLong) {
      try policy.check(String(repeating: "€", count: 25), email: nil)
    }
  }

  @Test func messagesSayWhy() {
    #expect(PasswordRejection.tooShort(12).message == "password too short: at least 12 characters")
    #expect(PasswordRejection.tooLong.message.contains("72 bytes"))
    #expect(PasswordRejection.common.message.contains("common"))
    #expect(PasswordRejection.sameAsEmail.message.contains("email"))
    #expect(PasswordRejection.containsNUL.message.contains("NUL"))
    #expect(PasswordRejection.empty.message.contains("empty"))
  }

  @Test func generatedPasswordsAre16Alphanumerics() throws {
    for _ in 0..<20 {
      let p = try PasswordPolicy.generate()
      #expect(p.count == 16 && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
      #expect(try policy.check(p, email: nil) == p)
    }
  }

  @Test func normalizeIsNFC() {
    #expect(PasswordPolicy.normalize("e\u{301}").unicodeScalars.map(\.value) == [0xe9])
    #expect(PasswordPolicy.normalize("\u{212b}").unicodeScalars.map(\.value) == [0xc5])
  }
}

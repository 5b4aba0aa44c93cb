import Testing

@testable import AuthKit

/// Header values lose their surrounding blanks by Unicode scalar, not by Character: a subject
/// that starts with a combining mark decodes without a stray space (found by fuzzing).
@Suite struct HeaderTrimTests {
  @Test func combiningMarkFirst() throws {
    let subject = "\u{0650}x subject"
    let message = MailMessage(
      from: "a@example.com", to: "b@example.com", subject: subject, body: "hi",
      date: 1_700_000_000, messageID: "1@example.com")
    let decoded = try #require(DecodedMessage.parse(try message.render()))
    #expect(Array(decoded.subject.unicodeScalars) == Array(subject.unicodeScalars))
    #expect(" \u{0301}a\t".trimming(Blanks.spaceAndTab) == "\u{0301}a")
  }

  @Test func farFutureDatesDoNotTrap() {
    #expect(MailEncoding.rfc5322Date(67_767_976_233_316_800).hasSuffix("+0000"))
    #expect(Timestamp.format(67_767_976_233_316_800).count >= 20)
  }
}

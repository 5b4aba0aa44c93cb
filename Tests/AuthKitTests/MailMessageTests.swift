import AuthKit
import Foundation
import TestSupport
import Testing

/// Rendering (RFC 5322, 2047, 2045), decoding, and SMTP reply parsing.
@Suite struct MailMessageTests {
  /// Python's `email` decoding of `raw`: subject, from, to, body (CRLF → LF).
  func pythonDecode(_ raw: [UInt8]) throws -> [String: String] {
    let code = """
      import sys, json, base64, email, email.policy
      m = email.message_from_bytes(base64.b64decode(sys.stdin.read()), policy=email.policy.default)
      print(json.dumps({"subject": str(m["subject"]), "from": str(m["from"]), "to": str(m["to"]),
          "body": m.get_content().replace("\\r\\n", "\\n"), "defects": str(m.defects)}))
      """
    let r = try python(code, stdin: Data(raw).base64EncodedString())
    try #require(r.status == 0, "\(r.stderr)")
    return try JSONDecoder().decode([String: String].self, from: r.stdoutData)
  }

  @Test func headersAndQuotedPrintableLines() throws {
    let long = String(repeating: "ab= é\t", count: 100)
    let raw = try sampleMessage(body: "short\n\(long)\nend \n").render()
    let text = String(decoding: raw, as: UTF8.self)
    let lines = text.components(separatedBy: "\r\n")
    for line in lines { #expect(line.utf8.count <= 76, "line too long: \(line)") }
    #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    #expect(text.contains("MIME-Version: 1.0\r\n"))
    #expect(text.contains("Content-Type: text/plain; charset=utf-8\r\n"))
    #expect(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
    #expect(text.contains("Auto-Submitted: auto-generated\r\n"))
    #expect(text.contains("Date: Tue, 25 Nov 2025 12:00:00 +0000\r\n"))
    #expect(text.contains("Message-ID: <0123abcd@example.com>\r\n"))
    #expect(text.contains("end=20\r\n"), "trailing space encoded")
    // Body bytes are 7-bit.
    #expect(raw.allSatisfy { $0 < 128 })
    #expect(try pythonDecode(raw)["body"] == "short\n\(long)\nend \n")
  }

  /// Issue 15: a body whose lines fit in 998 octets goes as it is — 7bit when ASCII, 8bit when
  /// UTF-8 and allowed — so a reader that does not decode shows a token whole; a longer line,
  /// 8-bit text without 8BITMIME, a NUL or a line starting `From ` take quoted-printable.
  /// Python decodes every one to the same text.
  @Test(
    arguments: [
      ("Token: " + String(repeating: "eyJhbGciOi", count: 40) + "\nx\n", false, "7bit"),
      ("Token: " + String(repeating: "e", count: 991) + "\n", false, "7bit"),
      ("Token: " + String(repeating: "e", count: 992) + "\n", false, "quoted-printable"),
      ("Grüße ✓\nToken: abc\n", true, "8bit"),
      ("Grüße ✓\nToken: abc\n", false, "quoted-printable"),
      (String(repeating: "é", count: 499) + "\n", true, "8bit"),
      (String(repeating: "é", count: 500) + "\n", true, "quoted-printable"),
      ("a\u{0}b\n", true, "quoted-printable"),
      ("Hello\nFrom here on\n", true, "quoted-printable"),
      (".\n..\ntrailing space \n\ttab\n", false, "7bit"),
      ("", false, "7bit"),
    ] as [(String, Bool, String)])
  func bodyEncoding(body: String, eightBit: Bool, encoding: String) throws {
    let raw = try sampleMessage(body: body).render(eightBit: eightBit)
    let text = String(decoding: raw, as: UTF8.self)
    #expect(text.contains("Content-Transfer-Encoding: \(encoding)\r\n"), "\(text.prefix(400))")
    let content = Array(raw[(raw.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound)...])
    let lines = String(decoding: content, as: UTF8.self).components(separatedBy: "\r\n")
    #expect(lines.allSatisfy { $0.utf8.count <= (encoding == "quoted-printable" ? 76 : 998) })
    if encoding != "8bit" { #expect(raw.allSatisfy { $0 < 128 }) }
    if encoding != "quoted-printable" {
      #expect(
        content == Array(expectedText(body).replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }
    if !body.contains("\u{0}") {
      #expect(try pythonDecode(raw)["body"] == expectedText(body))
    }
    #expect(DecodedMessage.parse(raw)?.body == expectedText(body))
  }

  @Test(arguments: ["From", "To", "Subject", "Message-ID"])
  func headerInjectionRefused(field: String) {
    for bad in ["x\r\nBcc: evil@example.com", "x\nBcc: e@x", "x\rY", "x\u{0}y"] {
      var m = sampleMessage()
      switch field {
      case "From": m.from = bad
      case "To": m.to = bad
      case "Subject": m.subject = bad
      default: m.messageID = bad
      }
      let error = mailError { _ = try m.render() }
      guard case .headerInjection(let got) = error else {
        Issue.record("\(field): got \(String(describing: error))")
        continue
      }
      #expect(got == field)
      #expect(error?.isTemporary == false)
    }
    #expect(mailError { try MailMessage.checkHeaderValue("ok value", field: "X") } == nil)
  }

  @Test(arguments: [
    "Grüße aus Köln", "日本語のテキストがとても長い件名になります。これは折り返しのテストです。もっと長く。",
    "emoji 🎉🎉🎉 " + String(repeating: "ü", count: 90), "plain ASCII subject",
    String(repeating: "long ascii words ", count: 12), "looks like =?utf-8?q?x?= word",
  ])
  func subjectRoundTripsThroughPython(subject: String) throws {
    let raw = try sampleMessage(subject: subject).render()
    let text = String(decoding: raw, as: UTF8.self)
    let header = text.components(separatedBy: "\r\n\r\n")[0]
    for word in header.split(whereSeparator: { $0 == " " || $0 == "\r\n" })
    where word.hasPrefix("=?") {
      #expect(word.count <= 75, "encoded-word too long: \(word)")
    }
    #expect(try pythonDecode(raw)["subject"] == subject)
    #expect(DecodedMessage.parse(raw)?.subject == subject)
  }

  @Test func decodedMessageRoundTrips() throws {
    let bodies = [
      "Hello\nPassword: xY9=z\n", ".\n..\n.x\n" + String(repeating: "é", count: 900),
      "no newline at end", "From someone\n>From quoted\n", "", "tabs\tand  spaces  \n\n\nend",
    ]
    for body in bodies {
      let m = sampleMessage(
        from: "Jörg <noreply@example.com>", subject: "Sübject ✓", body: body)
      let decoded = try #require(DecodedMessage.parse(m.render()))
      #expect(decoded.body == expectedText(body))
      #expect(decoded.subject == m.subject)
      #expect(decoded.from == m.from)
      #expect(decoded.to == m.to)
      #expect(decoded.messageID == m.messageID)
      #expect(decoded.date == "Tue, 25 Nov 2025 12:00:00 +0000")
      #expect(decoded.header("auto-submitted") == "auto-generated")
    }
  }

  @Test func decodesForeignEncodings() throws {
    let raw = Array(
      """
      Subject: =?iso-8859-1?q?caf=E9_cr=E8me?= =?UTF-8?B?4pyT?=\r
      From: a@b\r
      Content-Transfer-Encoding: base64\r
      \r
      aMOpbGxvCndvcmxkCg==\r

      """.utf8)
    let m = try #require(DecodedMessage.parse(raw))
    #expect(m.subject == "café crème✓")
    #expect(m.body == "héllo\nworld\n")
  }

  @Test func parseNeverTrapsOnArbitraryBytes() throws {
    var generator = TestSeed("MailMessageTests.parseNeverTrapsOnArbitraryBytes")
    let seed = try sampleMessage(subject: "Grüße", body: "a=3Db\n.x\n").render()
    let alphabet = Array("=?QBq_:\r\n \t=3DFFabcutf-8<>".utf8)
    for round in 0..<3000 {
      var bytes: [UInt8]
      if round % 2 == 0 {
        bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
          round % 4 == 0
            ? UInt8.random(in: 0...255, using: &generator)
            : alphabet.randomElement(using: &generator)!
        }
      } else {
        bytes = seed
        for _ in 0..<Int.random(in: 1..<20, using: &generator) {
          let i = Int.random(in: 0..<bytes.count, using: &generator)
          bytes[i] = alphabet.randomElement(using: &generator)!
        }
        bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
      }
      _ = DecodedMessage.parse(bytes)
      _ = try? SMTPReply.parse(
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n"))
    }
  }

  @Test func messageIDFromRandomBytes() {
    let id = MailMessage.makeMessageID(domain: "example.com", random: [0, 1, 0xab, 0xff])
    #expect(id == "0001abff@example.com")
  }

  @Test func smtpReplyParsing() throws {
    let multi = try SMTPReply.parse(["250-mail.example.com", "250-STARTTLS", "250 AUTH PLAIN"])
    #expect(multi.code == 250)
    #expect(multi.lines == ["mail.example.com", "STARTTLS", "AUTH PLAIN"])
    #expect(try SMTPReply.parse(["354"]).code == 354)
    #expect(try SMTPReply.parse(["550 5.1.1 no"]).text == "5.1.1 no")
    let bad: [[String]] = [
      [], ["25"], ["2x0 hi"], ["250-a", "251 b"], ["250 a", "250 b"], ["250-a"], ["250x"],
      ["650 no"], ["250-a", "250"], ["", "250 ok"],
    ]
    for lines in bad.dropLast(2) {
      #expect(throws: MailError.self, "\(lines)") { try SMTPReply.parse(lines) }
    }
    #expect(try SMTPReply.parse(["250-a", "250"]).lines == ["a", ""])
    #expect(throws: MailError.self) { try SMTPReply.parse(["", "250 ok"]) }
  }
}

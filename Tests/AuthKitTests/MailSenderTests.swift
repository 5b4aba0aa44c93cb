import AuthKit
import Foundation
import TestSupport
import Testing

/// Senders written as an address or an RFC 5322 name-addr (issue 15): what is accepted, what
/// the envelope and the `From:` header get (checked against Python's `email` parser), and what
/// is refused.
@Suite struct MailSenderTests {
  /// Python's reading of a `From:` header: display name and address.
  func pythonFrom(_ header: String) throws -> (name: String, address: String) {
    let code = """
      import sys, json, email, email.policy
      m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
      a = m["from"].addresses
      print(json.dumps([len(a), a[0].display_name, a[0].addr_spec, str(list(m.defects) + list(m["from"].defects))]))
      """
    let r = try python(code, stdin: "From: \(header)\r\nTo: x@example.com\r\n\r\nbody\r\n")
    try #require(r.status == 0, "\(r.stderr)")
    let parts = try JSONSerialization.jsonObject(with: r.stdoutData) as? [Any] ?? []
    #expect(parts.first as? Int == 1, "one address: \(r.stdout)")
    #expect(parts.last as? String == "[]", "no defects: \(r.stdout)")
    return (parts[1] as? String ?? "?", parts[2] as? String ?? "?")
  }

  @Test(
    arguments: [
      ("accounts@example.com", nil, "accounts@example.com"),
      ("  Accounts <accounts@example.com>  ", "Accounts", "accounts@example.com"),
      ("<accounts@example.com>", nil, "accounts@example.com"),
      ("\"Accounts, Example Inc.\" <a@example.com>", "Accounts, Example Inc.", "a@example.com"),
      ("J. Smith <j@example.com>", "J. Smith", "j@example.com"),
      ("\"Say \\\"hi\\\"\" <hi@example.com>", "Say \"hi\"", "hi@example.com"),
      ("Comptes Élan <comptes@example.org>", "Comptes Élan", "comptes@example.org"),
      ("\"Müller, Jörg\" <jm@example.org>", "Müller, Jörg", "jm@example.org"),
      ("日本語の送信者名 <jp@example.jp>", "日本語の送信者名", "jp@example.jp"),
      ("Multiple   Spaces <s@example.com>", "Multiple Spaces", "s@example.com"),
      ("authctl@localhost", nil, "authctl@localhost"),
    ] as [(String, String?, String)])
  func accepted(text: String, name: String?, address: String) throws {
    let sender = try MailSender.parse(text)
    #expect(sender.displayName == name)
    #expect(sender.address == address)
    #expect(sender.domain == String(address.split(separator: "@").last!))
    // The header value holds no line break but a fold, and only ASCII (RFC 2047 words).
    let header = sender.headerValue
    #expect(header.unicodeScalars.allSatisfy { $0.isASCII }, "\(header)")
    #expect(
      header.replacingOccurrences(of: "\r\n ", with: " ").allSatisfy { $0 != "\r" && $0 != "\n" })
    if name?.unicodeScalars.contains(where: { !$0.isASCII }) == true {
      #expect(header.contains("=?utf-8?B?"))
    }
    let python = try pythonFrom(header)
    #expect(python.name == (name ?? ""))
    #expect(python.address == address)
    // What `authctl config` shows parses back to the same sender.
    #expect(try MailSender.parse(sender.description) == sender)
  }

  @Test(arguments: [
    ("", "empty"),
    ("Accounts <accounts@example.com", "without a closing '>'"),
    ("accounts@example.com>", "'>' without '<'"),
    ("Accounts <accounts@example.com> extra", "text follows"),
    ("A <a@example.com> <b@example.com>", "text follows"),
    ("A <b <a@example.com>", "more than one '<'"),
    ("Accounts, Example <a@example.com>", "put the name in double quotes"),
    ("Evil: x <a@example.com>", "put the name in double quotes"),
    ("\"Open <a@example.com>", "not closed"),
    ("Name\u{1b}[31m <a@example.com>", "control character"),
    ("Evil\tBcc <a@example.com>", "control character"),
    ("accounts", "no '@'"),
    ("Accounts <accounts>", "no '@'"),
    ("Accounts <acc ounts@example.com>", "contains ' '"),
    ("Accounts <\"q\"@example.com>", "contains '\"'"),
    ("Accounts <a..b@example.com>", "dot-atom"),
    ("Accounts <a@exa_mple.com>", "letters, digits"),
    ("Accounts <a@-example.com>", "letters, digits"),
    ("Accounts <ü@example.com>", "not ASCII"),
    ("a@example.com, b@example.com", "contains ','"),
    (String(repeating: "n", count: 201) + " <a@example.com>", "longer than 200"),
  ])
  func refused(text: String, reason: String) {
    do {
      let sender = try MailSender.parse(text)
      Issue.record("accepted as \(sender.address)")
    } catch {
      #expect(error.reason.contains(reason), "\(error.reason)")
    }
  }

  /// A name longer than one encoded-word (75 characters, RFC 2047 §2) is folded between
  /// words, whose whitespace a reader drops (§6.2), as `mail show` does. (Python's address
  /// parser keeps that whitespace, a known difference, so it is not the judge here.)
  @Test func longNonASCIIName() throws {
    let name = "日本語の送信者の名前がとても長い場合のテストです"
    let sender = try MailSender.parse("\(name) <jp@example.jp>")
    #expect(sender.headerValue.components(separatedBy: "\r\n ").count == 2, "folded once")
    for line in sender.headerValue.components(separatedBy: "\r\n") {
      #expect(line.utf8.count <= 78, "\(line)")
    }
    let m = sampleMessage(from: sender.description)
    let decoded = try #require(DecodedMessage.parse(try m.render()))
    #expect(decoded.from == "\(name) <jp@example.jp>")
  }

  @Test func lists() throws {
    let senders = try MailSender.parseList(
      "\"Accounts, Inc.\" <a@x.test>, Bob <b@x.test> ,c@x.test,, ")
    #expect(senders.map(\.address) == ["a@x.test", "b@x.test", "c@x.test"])
    #expect(senders.map(\.displayName) == ["Accounts, Inc.", "Bob", nil])
    #expect(throws: MailSenderError.self) { try MailSender.parseList("a@x.test, Bad <b@x.test") }
    do {
      _ = try MailSender.parseList("a@x.test, Bad <b@x.test")
    } catch {
      #expect(error.reason.hasPrefix("entry 2: "), "\(error.reason)")
    }
  }

  /// A rendered message carries the whole name-addr in `From:`; a line break anywhere in the
  /// sender, even quoted, is header injection; a malformed sender is refused.
  @Test func renderedFromHeader() throws {
    let raw = String(
      decoding: try sampleMessage(from: "\"Accounts, Inc.\" <a@example.com>").render(),
      as: UTF8.self)
    #expect(raw.hasPrefix("From: \"Accounts, Inc.\" <a@example.com>\r\nTo: "), "\(raw)")
    let injected = mailError {
      _ = try sampleMessage(from: "\"Evil\r\nBcc: x@evil.test\" <a@example.com>").render()
    }
    guard case .headerInjection(let field) = injected else {
      Issue.record("got \(String(describing: injected))")
      return
    }
    #expect(field == "From")
    let malformed = mailError { _ = try sampleMessage(from: "Bad <a@example.com").render() }
    guard case .invalidSender(let reason) = malformed else {
      Issue.record("got \(String(describing: malformed))")
      return
    }
    #expect(reason.contains("'>'"))
  }
}

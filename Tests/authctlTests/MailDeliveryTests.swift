import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 4's acceptance through the built binary: `register` and `recover` deliver over plain
/// SMTP, STARTTLS and implicit TLS, with AUTH PLAIN and LOGIN, and the server (aiosmtpd,
/// decoding with Python's `email` package) receives the message the flow wrote.
@Suite(.serialized, .tags(.slow)) struct MailDeliveryTests {
  static let appURL = "http://127.0.0.1:5000/"

  enum Security: String, CaseIterable, Sendable {
    case plain, startTLS, implicitTLS

    var serverTLS: SMTPTestServer.TLSMode {
      switch self {
      case .plain: .none
      case .startTLS: .startTLS
      case .implicitTLS: .implicit
      }
    }

    /// The client's settings for this mode; TLS modes name the host `localhost`, as the
    /// test certificate does, and trust the test CA.
    var env: [String: String] {
      switch self {
      case .plain: [:]
      case .startTLS:
        [
          "MAIL_SERVER": "localhost", "MAIL_USE_TLS": "true",
          "MAIL_TLS_CA_FILE": TestCertificates.shared.caPath,
        ]
      case .implicitTLS:
        [
          "MAIL_SERVER": "localhost", "MAIL_USE_SSL": "true",
          "MAIL_TLS_CA_FILE": TestCertificates.shared.caPath,
        ]
      }
    }
  }

  /// Checks the headers every authctl mail carries, as Python decodes them.
  static func checkHeaders(
    _ m: SMTPTestServer.ReceivedMessage, to: String, subject: String, row: OutboxRow,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(m.from == "accounts@example.com", sourceLocation: sourceLocation)
    #expect(m.mailFrom == "accounts@example.com", sourceLocation: sourceLocation)
    #expect(m.to == to && m.rcptTos == [to], sourceLocation: sourceLocation)
    #expect(m.subject == subject, sourceLocation: sourceLocation)
    #expect(m.header("Message-ID") == "<\(row.messageID)>", sourceLocation: sourceLocation)
    #expect(m.header("MIME-Version") == "1.0", sourceLocation: sourceLocation)
    let type = m.header("Content-Type")?.lowercased() ?? ""
    #expect(
      type.hasPrefix("text/plain")
        && (type.contains("charset=\"utf-8\"") || type.contains("charset=utf-8")),
      "\(type)", sourceLocation: sourceLocation)
    // ASCII bodies with lines under 998 octets go as they are (issue 15): 7bit.
    #expect(m.header("Content-Transfer-Encoding") == "7bit", sourceLocation: sourceLocation)
    #expect(m.header("Auto-Submitted") == "auto-generated", sourceLocation: sourceLocation)
    // RFC 5322 date in UTC, within a minute of now (Python parses it).
    let date = m.header("Date") ?? ""
    let parsed = try? python(
      "import sys, email.utils; print(int(email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()))",
      [date])
    let seconds = Int64(parsed?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
    #expect(
      abs(seconds - Int64(Date().timeIntervalSince1970)) < 120 && date.hasSuffix("+0000"),
      "Date: \(date)", sourceLocation: sourceLocation)
    // What went over the wire is the text itself: 7-bit, lines within 998 octets (RFC 5322
    // §2.1.1), and the decoded body's lines as they are (a token or link whole on its line).
    let raw = String(decoding: m.data, as: UTF8.self)
    let body = raw.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    #expect(m.data.allSatisfy { $0 < 128 }, sourceLocation: sourceLocation)
    for line in body.components(separatedBy: "\r\n") {
      #expect(
        line.utf8.count <= 998, "line of \(line.utf8.count): \(line)",
        sourceLocation: sourceLocation)
    }
    #expect(
      body.replacingOccurrences(of: "\r\n", with: "\n") == m.body, "sent as the text itself",
      sourceLocation: sourceLocation)
  }

  /// register → the confirmation (token, password, link); users confirm; recover → the reset
  /// mail (token, code, link): over plain SMTP, STARTTLS and implicit TLS.
  @Test(arguments: Security.allCases)
  func registerAndRecover(security: Security) throws {
    let server = try SMTPTestServer(.init(tls: security.serverTLS))
    let walk = try Walk(env: ["APP_URL": Self.appURL])
    walk.useServer(server, security.env)
    let email = "ann@example.com"

    let reg = try walk.run(["register", email])
    #expect(reg.stderr.contains("mail sent to \(email)"), "\(reg.stderr)")
    var received = try server.received()
    try #require(received.count == 1)
    var rows = try walk.outbox()
    let confirm = received[0]
    #expect(confirm.tls == (security != .plain))
    Self.checkHeaders(confirm, to: email, subject: "Confirm your account", row: rows[0])
    let body = try #require(confirm.body)
    let token = try #require(Walk.line("Token", in: body))
    #expect(token.split(separator: ".").count == 3, "a JWT: \(token)")
    let password = try #require(Walk.line("Password", in: body))
    #expect(password.count == 16 && password.allSatisfy { $0.isLetter || $0.isNumber })
    let link = try #require(Walk.lineStarting(Self.appURL + "activate_account?", in: body))
    #expect(
      link.hasSuffix("&token=\(token)"), "the link, longer than a QP line, is intact: \(link)")
    #expect(link.count > 76)
    #expect(body.contains("    authctl confirm \(token)\n"))
    // The database keeps the recipient, subject and status; the body is gone.
    #expect(rows[0].status == "sent" && rows[0].body == nil && rows[0].attempts == 1)
    #expect(rows[0].sentAt != nil && rows[0].lastError == nil)

    // The mailed token and password work.
    try walk.run(["confirm", token])
    try walk.run(["login", email, "--password-stdin"], stdin: password + "\n")
    received = try server.received()
    #expect(received.count == 2 && received[1].subject == "Your account is activated")

    try walk.run(["recover", email])
    received = try server.received()
    try #require(received.count == 3)
    rows = try walk.outbox()
    let reset = received[2]
    Self.checkHeaders(reset, to: email, subject: "Reset your password", row: rows[2])
    let resetBody = try #require(reset.body)
    let resetToken = try #require(Walk.line("Token", in: resetBody))
    let code = try #require(Walk.line("Code", in: resetBody))
    #expect(code.count == 6 && code.allSatisfy(\.isNumber))
    let resetLink = try #require(Walk.lineStarting(Self.appURL + "reset_password?", in: resetBody))
    #expect(resetLink.hasSuffix("&token=\(resetToken)"))
    #expect(try walk.count("SELECT count(*) FROM codes") == 1)
    try walk.run(["reset", resetToken, "--code", code])
    #expect(try server.received().last?.subject == "Your new password")
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND body IS NULL") == 4)
    #expect(try messageIDCounts(server).values.allSatisfy { $0 == 1 })
    #expect(try server.connections == 4, "one connection per command")
  }

  /// A server that refuses MAIL FROM before AUTH: AUTH PLAIN and LOGIN, each over STARTTLS
  /// and implicit TLS; the transcript (MAIL_DEBUG) shows the mechanism, never the password.
  @Test(arguments: ["PLAIN", "LOGIN"], [Security.startTLS, .implicitTLS])
  func authentication(mechanism: String, security: Security) throws {
    let secret = "s3cret-\(mechanism)-pass"
    let server = try SMTPTestServer(
      .init(
        tls: security.serverTLS, authRequired: true, username: "mailer", password: secret,
        authMechanisms: [mechanism]))
    let walk = try Walk()
    walk.useServer(
      server,
      security.env.merging([
        "MAIL_USERNAME": "mailer", "MAIL_PASSWORD": secret, "MAIL_DEBUG": "true",
      ]) { $1 })
    let r = try walk.run(["register", "bob@example.com"])
    #expect(r.stderr.contains("AUTH \(mechanism)"), "\(r.stderr)")
    #expect(!r.allOutput.contains(secret), "the password is redacted")
    #expect(try server.sawAuth)
    let received = try server.received()
    #expect(received.count == 1 && received.first?.tls == true)
    #expect(received.first?.rcptTos == ["bob@example.com"])
    #expect(try walk.outbox().map(\.status) == ["sent"])
  }

  /// Wrong AUTH credentials: the account stands, the message stays queued with the server's
  /// 535, nothing reached the server.
  @Test func authenticationRefused() throws {
    let server = try SMTPTestServer(
      .init(tls: .startTLS, authRequired: true, username: "mailer", password: "right"))
    let walk = try Walk()
    walk.useServer(
      server,
      Security.startTLS.env.merging(["MAIL_USERNAME": "mailer", "MAIL_PASSWORD": "wrong"]) { $1 })
    let r = try walk.run(["register", "bob@example.com"])
    #expect(r.stderr.contains("stays queued"), "\(r.stderr)")
    let rows = try walk.outbox()
    #expect(rows.map(\.status) == ["queued"])
    #expect(rows.first?.lastError?.contains("535") == true, "\(rows.first?.lastError ?? "nil")")
    #expect(try walk.count("SELECT count(*) FROM users") == 1)
    #expect(try server.received().isEmpty)
  }
}

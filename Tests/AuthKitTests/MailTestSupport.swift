import AuthKit
import Foundation
import TestSupport

/// Client settings for `server`: host 127.0.0.1 unless given, the test CA trusted.
func smtpSettings(
  _ server: SMTPTestServer, host: String = "127.0.0.1", security: SMTPSettings.Security = .none,
  username: String? = nil, password: String? = nil, timeout: Int64 = 10,
  allowPlaintextAuth: Bool = false, debug: Bool = false
) -> SMTPSettings {
  SMTPSettings(
    host: host, port: server.port, security: security, username: username, password: password,
    timeout: timeout, caFile: TestCertificates.shared.caPath,
    allowPlaintextAuth: allowPlaintextAuth, heloName: "client.test", debug: debug)
}

/// A message with fixed date and id.
func sampleMessage(
  from: String = "noreply@example.com", to: String = "ann@example.com",
  subject: String = "Hello", body: String = "Hi there.\nCode: 123456\n"
) -> MailMessage {
  MailMessage(
    from: from, to: to, subject: subject, body: body, date: 1_764_072_000,
    messageID: "0123abcd@example.com")
}

/// Connects, sends `messages` over one connection, quits; returns the final replies.
@discardableResult
func deliver(_ settings: SMTPSettings, _ messages: [MailMessage]) throws -> [SMTPReply] {
  let client = SMTPClient(settings: settings)
  try client.connect()
  defer { client.quit() }
  return try messages.map { m in
    try client.send(from: m.from, to: [m.to], message: m.render())
  }
}

/// The text Python decodes from a message whose body is `body`: LF line ends, ending in one.
func expectedText(_ body: String) -> String {
  let text = body.replacingOccurrences(of: "\r\n", with: "\n")
    .replacingOccurrences(of: "\r", with: "\n")
  return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
}

/// The MailError `body` throws, or nil.
func mailError(_ body: () throws -> Void) -> MailError? {
  do {
    try body()
    return nil
  } catch let error as MailError {
    return error
  } catch {
    return nil
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// One row of the `outbox` table, as the tests read it straight from the database.
struct OutboxRow: Sendable {
  var id: Int64
  var recipient: String
  var subject: String
  var body: String?
  var messageID: String
  var status: String
  var attempts: Int64
  var lastError: String?
  var nextAttemptAt: String
  var sentAt: String?
}

extension Walk {
  /// Every outbox row, oldest first.
  func outbox() throws -> [OutboxRow] {
    try probe.rows(
      """
      SELECT id, recipient, subject, body, message_id, status, attempts, last_error,
        next_attempt_at, sent_at FROM outbox ORDER BY id
      """
    ).map { s in
      OutboxRow(
        id: Int64(s[0] ?? "") ?? -1, recipient: s[1] ?? "", subject: s[2] ?? "", body: s[3],
        messageID: s[4] ?? "", status: s[5] ?? "", attempts: Int64(s[6] ?? "") ?? -1,
        lastError: s[7], nextAttemptAt: s[8] ?? "", sentAt: s[9])
    }
  }

  /// `mail queue --format json`, parsed: an array of objects.
  func queueJSON(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let r = try run(["mail", "queue", "--format", "json"], sourceLocation: sourceLocation)
    let value = try JSONSerialization.jsonObject(with: r.stdoutData)
    return try #require(
      value as? [[String: Any]], "an array of objects: \(r.stdout)", sourceLocation: sourceLocation)
  }

  /// Points the walk's mail at `server` (plain SMTP on 127.0.0.1 unless `extra` says more),
  /// replacing every earlier MAIL_ setting.
  func useServer(_ server: SMTPTestServer, _ extra: [String: String] = [:]) {
    useServer(port: server.port, extra)
  }

  func useServer(port: Int, _ extra: [String: String] = [:]) {
    env = env.filter { !$0.key.hasPrefix("MAIL_") }
    env["MAIL_SERVER"] = "127.0.0.1"
    env["MAIL_PORT"] = String(port)
    env["MAIL_DEFAULT_SENDER"] = "accounts@example.com"
    env["MAIL_TIMEOUT"] = "5s"
    env.merge(extra) { $1 }
  }
}

/// A port nobody listens on: a test server's, once stopped.
func closedPort() throws -> Int {
  let server = try SMTPTestServer()
  let port = server.port
  server.stop()
  return port
}

/// How many times the server received each Message-ID (angle brackets stripped).
func messageIDCounts(_ server: SMTPTestServer) throws -> [String: Int] {
  var counts: [String: Int] = [:]
  for m in try server.received() {
    let id = (m.header("Message-ID") ?? "").trimmingCharacters(
      in: CharacterSet(charactersIn: "<> "))
    counts[id, default: 0] += 1
  }
  return counts
}

/// Whether `text` is an ISO-8601 time later than now.
func isInTheFuture(_ text: String) -> Bool {
  guard let t = Timestamp.parse(text) else { return false }
  return t > Int64(Date().timeIntervalSince1970)
}

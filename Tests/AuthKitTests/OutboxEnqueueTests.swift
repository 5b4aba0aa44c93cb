import AuthKit
import Foundation
import TestSupport
import Testing

/// `Outbox.enqueue` (through the mail notifier's `admit`) refuses a CR, LF or NUL in a recipient, a subject or a configured sender
/// (header injection, exit 65) before anything is stored: the flow's transaction rolls back.
@Suite struct OutboxEnqueueTests {
  /// A migrated database and an outbox over `environment`.
  static func setUp(_ environment: [String: String] = [:]) throws -> (TempDir, SQLiteStore, Outbox)
  {
    let dir = try TempDir("enqueue")
    let store = try SQLiteStore(path: dir.file("t.sqlite"), create: true)
    _ = try store.migrate(
      MigrationContext(
        now: Instant(seconds: 1_764_072_000), randomBytes: { try Random.bytes($0) },
        jwtSecretConfigured: false, notice: { _ in }))
    var env = ["AUTHCTL_DB": dir.file("t.sqlite"), "MAIL_SUPPRESS_SEND": "true"]
    env.merge(environment) { $1 }
    _ = FileManager.default.createFile(atPath: dir.file("empty.env"), contents: Data())
    let config = try Config(
      environment: env, envFile: dir.file("empty.env"), observer: SilentObserver())
    let clock = Clock.fixed(Instant(seconds: 1_764_072_000))
    return (
      dir, store,
      Outbox(
        settings: config.settings, clock: clock, observer: SilentObserver(),
        notifiers: .configured(
          config.settings, clock: clock, observer: SilentObserver(), database: store.file))
    )
  }

  static func draft(to: String = "ann@example.com", subject: String = "Hello")
    -> NotificationDraft
  {
    NotificationDraft(
      kind: "test", userID: nil, address: to,
      notice: Notice(subject: subject, text: "Token: x\n", secrets: ["x"]))
  }

  static func outboxCount(_ db: Connection) throws -> Int64 {
    try db.first("SELECT count(*) FROM outbox") { $0.int(0) } ?? -1
  }

  @Test(arguments: [
    ("ann@example.com\r\nBcc: evil@example.com", "Hello", "To"),
    ("ann@example.com\n", "Hello", "To"),
    ("ann@example.com", "Hello\r\nBcc: evil@example.com", "Subject"),
    ("ann@example.com", "Hello\u{0}", "Subject"),
    ("ann@example.com", "Hello\rX", "Subject"),
  ])
  func recipientOrSubject(to: String, subject: String, field: String) throws {
    let (_, store, outbox) = try Self.setUp()
    let db = store.connection
    do {
      try store.write { tx in
        _ = try db.run(
          "INSERT INTO settings (key, value, updated_at) VALUES ('marker', 'x', 'now')")
        try outbox.enqueue(tx, Self.draft(to: to, subject: subject))
      }
      Issue.record("no error")
    } catch let error as MailError {
      guard case .headerInjection(let named) = error else {
        Issue.record("got \(error)")
        return
      }
      #expect(named == field)
      #expect(error.message.contains("header injection"), "\(error.message)")
    }
    #expect(try Self.outboxCount(db) == 0)
    #expect(
      try db.first("SELECT count(*) FROM settings WHERE key = 'marker'") { $0.int(0) } == 0,
      "the whole transaction rolled back")
  }

  @Test(arguments: [
    ["MAIL_DEFAULT_SENDER": "accounts@example.com\r\nBcc: evil@example.com"],
    ["MAIL_SENDERS": "a@example.com, b@example.com\nBcc: evil@example.com"],
    ["MAIL_USERNAME": "user\u{0}@example.com"],
  ])
  func configuredSender(environment: [String: String]) throws {
    // Refused when the configuration loads (exit 78), before any outbox exists: `Settings`
    // holds no sender with a line break or NUL.
    #expect(throws: ConfigError.self) { _ = try Self.setUp(environment) }
  }

  @Test func aGoodDraftIsQueued() throws {
    let (_, store, outbox) = try Self.setUp(["MAIL_SENDERS": "a@example.com,b@example.com"])
    let id = try store.write { try outbox.enqueue($0, Self.draft(subject: "Grüße")) }
    let item = try #require(try store.read { try $0.outboxItem(id: id) })
    #expect(item.status == "queued" && item.subject == "Grüße" && item.attempts == 0)
    #expect(item.messageID.hasSuffix("@example.com"))
  }
}

import Foundation
import TestSupport
import Testing

@testable import AuthKit

/// The channel-neutral notifications (issue 12): each template lists the secrets its text
/// carries, each on a line of its own, and `redactedText` hides every one.
@Suite struct NotificationTests {
  static let templates: [(String, Notice)] = [
    (
      "confirm",
      NotificationTemplates.confirm(
        email: "a@x.org", token: "tok.en.1", link: "https://x.org/a?token=tok.en.1",
        password: "pw-123", ttl: 3600)
    ),
    ("activated", NotificationTemplates.activated(email: "a@x.org", password: "pw-456")),
    (
      "recover",
      NotificationTemplates.recover(
        email: "a@x.org", token: "tok.en.2", code: "123456", link: nil, ttl: 3600)
    ),
    (
      "newPassword",
      NotificationTemplates.newPassword(email: "a@x.org", password: "pw-789", reason: "Reset.")
    ),
    ("passwdCode", NotificationTemplates.passwdCode(email: "a@x.org", code: "654321", ttl: 600)),
    (
      "emailChangeConfirm",
      NotificationTemplates.emailChangeConfirm(
        old: "a@x.org", new: "b@x.org", token: "tok.en.3", ttl: 600)
    ),
  ]

  @Test func secretsAreListedAndRedacted() throws {
    for (name, n) in Self.templates {
      #expect(!n.secrets.isEmpty, "\(name)")
      let lines = n.text.split(separator: "\n").map(String.init)
      for secret in n.secrets {
        #expect(n.text.contains(secret), "\(name): \(secret)")
        #expect(!n.redactedText.contains(secret), "\(name): \(secret)")
        #expect(
          lines.contains { $0 == secret || $0.hasSuffix(": \(secret)") },
          "\(name): \(secret) on a line of its own")
      }
      #expect(n.redactedText.contains("[redacted]"), "\(name)")
    }
  }

  @Test func noticesCarryNoSecret() {
    for n in [
      NotificationTemplates.exists(email: "a@x.org"),
      NotificationTemplates.passwordChanged(email: "a@x.org"),
      NotificationTemplates.activated(email: "a@x.org"),
      NotificationTemplates.emailChanged(new: "b@x.org", oldMasked: "a***@x.org"),
    ] {
      #expect(n.secrets.isEmpty && n.redactedText == n.text, "\(n.subject)")
    }
  }

  /// The flood guard's key: a mailbox for mail (as before), the channel and address otherwise.
  @Test func recipientKeyPerChannel() {
    #expect(RecipientKey.of("Ann+1@Example.com", channel: .mail) == "ann@example.com")
    #expect(RecipientKey.of("4242", channel: .telegram) == "telegram:4242")
    #expect(
      RecipientKey.of("ann@example.com", channel: .telegram)
        != RecipientKey.of("ann@example.com", channel: .mail))
  }

  /// Version 5 on a database of version 4: the outbox gains its channel, and the rows queued
  /// before are mail, delivered as before.
  @Test func migrationMakesExistingRowsMail() throws {
    let dir = try TempDir("channel")
    let path = dir.file("old.sqlite")
    let channelVersion = try #require(
      Schema.migrations.first { $0.name.contains("a channel for each message") }?.version)
    let context = MigrationContext(
      now: Instant(seconds: 1_764_072_000), randomBytes: { try Random.bytes($0) },
      jwtSecretConfigured: false, notice: { _ in })
    do {
      let conn = try Connection(path: path, create: true)
      _ = try Migrator(Array(Schema.migrations.prefix(channelVersion - 1))).migrate(
        conn, context: context)
      try conn.run(
        """
        INSERT INTO outbox (user_id, kind, recipient, recipient_key, subject, body, message_id,
          created_at, next_attempt_at)
        VALUES (NULL, 'confirm', 'ann@example.com', 'ann@example.com', 'Hi', 'Token: t', 'm@x',
          '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
        """)
      #expect(
        try conn.first("SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'channel'") {
          $0.int(0)
        } == 0)
    }
    let store = try SQLiteStore(path: path, create: false)
    let applied = try store.migrate(context)
    #expect(applied.map(\.version).contains(channelVersion))
    try store.requireCurrentSchema()
    let items = try store.read {
      try $0.dueMessages(now: Instant(seconds: 1_764_072_000), all: true, channel: .mail)
    }
    #expect(items.map(\.channel) == [.mail] && items.map(\.recipient) == ["ann@example.com"])
    #expect(
      try store.read {
        try $0.messageCount(
          channel: .mail, recipient: "Ann@example.com", since: Instant(seconds: 0))
      } == 1, "the flood guard still counts it")
  }
}

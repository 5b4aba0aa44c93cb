import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 4 through the binary: header injection, the sender pool, the flood guard,
/// MAIL_SUPPRESS_SEND, `mail test`, `mail show` and MAIL_MAX_EMAILS.
@Suite(.serialized, .tags(.slow)) struct MailCommandTests {
  /// Registers `count` accounts while the server is unreachable: each mail stays queued.
  static func queue(_ count: Int, in walk: Walk, prefix: String = "user") throws {
    let saved = walk.env
    walk.useServer(port: try closedPort())
    for i in 0..<count { try walk.run(["register", "\(prefix)\(i)@example.com"]) }
    walk.env = saved
    #expect(try walk.outbox().filter { $0.status == "queued" }.count == count)
    // `mail queue` names each message's channel (issue 12).
    #expect(
      try walk.queueJSON().map { $0["channel"] as? String }
        == Array(repeating: "mail", count: count))
  }

  // MARK: Header injection

  /// A CR, LF or NUL in the recipient (exit 65) or the configured sender (refused when the
  /// configuration loads, exit 78): nothing stored, nothing sent.
  @Test func headerInjectionIsRefusedBeforeAnythingIsStored() throws {
    let server = try SMTPTestServer()
    let walk = try Walk()
    walk.useServer(server)
    try walk.run(["migrate"])
    // The recipient: refused by the address check, before any transaction.
    try walk.run(["register", "ann@example.com\r\nBcc: evil@example.com"], expect: 65)
    try walk.run(["register", "ann@example.com\rBcc: evil@example.com"], expect: 65)
    // The sender, from the configuration: refused as a bad setting before anything runs.
    for extra in [
      ["MAIL_DEFAULT_SENDER": "accounts@example.com\r\nBcc: evil@example.com"],
      ["MAIL_SENDERS": "a@example.com,b@example.com\nBcc: evil@example.com"],
    ] {
      walk.useServer(server, extra)
      let r = try walk.run(["register", "ann@example.com"], expect: 78)
      #expect(r.stderr.contains("line break"), "\(r.stderr)")
      let t = try walk.run(["mail", "test", "ann@example.com"], expect: 78)
      #expect(t.stderr.contains("line break"), "\(t.stderr)")
    }
    #expect(try walk.count("SELECT count(*) FROM users") == 0)
    #expect(try walk.count("SELECT count(*) FROM outbox") == 0)
    #expect(try server.received().isEmpty)
    #expect(try server.connections == 0)
  }

  // MARK: Sender pool

  /// MAIL_SENDERS with one sender refused at MAIL FROM (550): every message is delivered from
  /// another, and over many messages more than one sender is used.
  @Test func senderPoolSkipsARefusedSender() throws {
    let server = try SMTPTestServer(.init(faults: .init(mailFromReplies: ["b@x.test": 550])))
    let walk = try Walk()
    let pool = ["MAIL_SENDERS": "a@x.test, b@x.test ,c@x.test"]
    // Straight from the flows: each command starts with the whole pool.
    walk.useServer(server, pool)
    for i in 0..<6 {
      let r = try walk.run(["register", "direct\(i)@example.com"])
      #expect(r.stderr.contains("mail sent to direct\(i)@example.com"), "\(r.stderr)")
      #expect(!r.stderr.contains("refused") && !r.stderr.contains("queued"), "\(r.stderr)")
    }
    // And from one flush carrying many messages over one connection.
    try Self.queue(14, in: walk, prefix: "queued")
    walk.useServer(server, pool)
    let flush = try walk.run(["mail", "flush", "--all"])
    #expect(flush.stdout.hasPrefix("delivered 14"), "\(flush.stdout)")
    let received = try server.received()
    #expect(received.count == 20)
    for m in received {
      #expect(["a@x.test", "c@x.test"].contains(m.mailFrom), "\(m.mailFrom)")
      #expect(m.from == m.mailFrom, "the From header is the envelope sender")
    }
    #expect(Set(received.map(\.mailFrom)).count == 2, "both good senders are used")
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" })
    #expect(try messageIDCounts(server).values.allSatisfy { $0 == 1 })
  }

  /// Every sender refused: the message fails with the server's reply.
  @Test func senderPoolAllRefused() throws {
    let server = try SMTPTestServer(
      .init(faults: .init(mailFromReplies: ["a@x.test": 550, "b@x.test": 550])))
    let walk = try Walk()
    walk.useServer(server, ["MAIL_SENDERS": "a@x.test,b@x.test"])
    let r = try walk.run(["register", "ann@example.com"])
    #expect(r.stderr.contains("refused"), "\(r.stderr)")
    let rows = try walk.outbox()
    #expect(rows.map(\.status) == ["failed"])
    #expect(rows.first?.lastError?.hasPrefix("550") == true)
    #expect(try server.received().isEmpty)
  }

  // MARK: Flood guard

  /// AUTHCTL_MAIL_PER_HOUR=3: the 4th message to one address in an hour is refused with 75,
  /// nothing queued and nothing changed; another address still gets its mail.
  @Test func floodGuard() throws {
    let server = try SMTPTestServer()
    let walk = try Walk(env: ["AUTHCTL_MAIL_PER_HOUR": "3"])
    walk.useServer(server)
    let email = "ann@example.com"
    // Confirmed accounts without a mail: `users confirm` without --notify mails nothing.
    try walk.run(
      ["register", "ann@example.com", "--password-stdin"], stdin: "flood guard passphrase 1\n")
    try walk.run(
      ["register", "bob@example.com", "--password-stdin"], stdin: "flood guard passphrase 2\n")
    try walk.run(["users", "confirm", email])
    try walk.run(["users", "confirm", "bob@example.com"])
    try walk.run(["recover", email])
    try walk.run(["recover", email])
    #expect(try server.received().filter { $0.rcptTos == [email] }.count == 3)
    let before = try walk.snapshot()
    let code = try walk.value("SELECT code_hash FROM codes")
    let r = try walk.run(["recover", email], expect: 75)
    #expect(r.stderr.contains("AUTHCTL_MAIL_PER_HOUR"), "\(r.stderr)")
    #expect(try walk.snapshot() == before, "nothing queued, nothing changed")
    #expect(try walk.value("SELECT code_hash FROM codes") == code, "the code row is unchanged")
    #expect(try server.received().count == 4)
    try walk.run(["recover", "Ann@Example.com"], expect: 75)
    #expect(try walk.snapshot() == before)
    try walk.run(["recover", "bob@example.com"])
    #expect(try server.received().count == 5)
  }

  // MARK: MAIL_SUPPRESS_SEND

  @Test func suppressSend() throws {
    let server = try SMTPTestServer()
    let walk = try Walk()
    walk.useServer(server, ["MAIL_SUPPRESS_SEND": "true"])
    let r = try walk.run(["register", "ann@example.com"])
    #expect(r.stderr.contains("MAIL_SUPPRESS_SEND"), "\(r.stderr)")
    try walk.run(["users", "confirm", "ann@example.com", "--notify"])
    let rows = try walk.outbox()
    #expect(rows.map(\.status) == ["suppressed", "suppressed"])
    #expect(rows.allSatisfy { $0.body == nil && $0.sentAt != nil }, "bodies gone")
    #expect(try walk.queueJSON().isEmpty)
    let t = try walk.run(["mail", "test", "ann@example.com"])
    #expect(t.stdout.contains("nothing sent"), "\(t.stdout)")
    #expect(try server.connections == 0 && server.received().isEmpty)
    #expect(!FileManager.default.fileExists(atPath: MailboxNotifier.path(forDatabase: walk.db)))
  }

  // MARK: mail test

  @Test func mailTestPrintsEachReply() throws {
    let server = try SMTPTestServer()
    let walk = try Walk()
    walk.useServer(server)
    let r = try walk.run(["mail", "test", "ann@example.com"])
    for stage in [
      "greeting: 220", "ehlo: 250", "mailFrom: 250", "rcptTo: 250", "data: 354", "endOfData: 250",
    ] {
      #expect(r.stdout.contains(stage), "\(stage) in \(r.stdout)")
    }
    #expect(r.stdout.contains("accepted by 127.0.0.1:\(server.port)"))
    let received = try server.received()
    #expect(received.count == 1 && received.first?.subject == "authctl test message")
    #expect(received.first?.rcptTos == ["ann@example.com"])
    #expect(!FileManager.default.fileExists(atPath: walk.db), "not queued: no database")
  }

  @Test func mailTestFailures() throws {
    let walk = try Walk()
    walk.useServer(port: try closedPort())
    let refused = try walk.run(["mail", "test", "ann@example.com"], expect: 75)
    #expect(refused.stderr.contains("refused"), "\(refused.stderr)")
    let server = try SMTPTestServer(
      .init(faults: .init(rcptReplies: ["ann@example.com": 550, "later@example.com": 451])))
    walk.useServer(server)
    let permanent = try walk.run(["mail", "test", "ann@example.com"], expect: 69)
    #expect(
      permanent.stdout.contains("rcptTo: 550"), "each reply, the refusal too: \(permanent.stdout)")
    try walk.run(["mail", "test", "later@example.com"], expect: 75)
    #expect(try server.received().isEmpty)
  }

  // MARK: mail show

  @Test func mailShowPicksTheMessage() throws {
    let walk = try Walk()
    // No mailbox yet: 66.
    let none = try walk.run(["mail", "show"], expect: 66)
    #expect(none.stderr.contains(MailboxNotifier.path(forDatabase: walk.db)), "\(none.stderr)")
    #expect(!FileManager.default.fileExists(atPath: MailboxNotifier.path(forDatabase: walk.db)))
    try walk.run(["register", "ann@example.com"])
    try walk.run(["register", "bob@example.com"])
    let ann = try walk.run(["mail", "show", "--to", "ANN@example.com"]).stdout
    #expect(ann.contains("To: ann@example.com\n") && ann.contains("Subject: Confirm your account"))
    let token = try #require(Walk.line("Token", in: ann))
    let last = try walk.run(["mail", "show", "--last"]).stdout
    #expect(last.contains("To: bob@example.com\n"))
    #expect(Walk.line("Token", in: last) != token)
    try walk.run(["confirm", token])
    let latest = try walk.run(["mail", "show", "--to", "ann@example.com"]).stdout
    #expect(latest.contains("Subject: Your account is activated"), "the newest to ann: \(latest)")
    try walk.run(["mail", "show", "--to", "carol@example.com"], expect: 66)
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" && $0.body == nil })
  }

  // MARK: MAIL_MAX_EMAILS

  /// Five queued messages, two per connection: three connections, every message once.
  @Test func maxEmailsPerConnection() throws {
    let walk = try Walk()
    try Self.queue(5, in: walk)
    let server = try SMTPTestServer()
    walk.useServer(server, ["MAIL_MAX_EMAILS": "2"])
    let r = try walk.run(["mail", "flush", "--all"])
    #expect(r.stdout.hasPrefix("delivered 5"), "\(r.stdout)")
    #expect(try server.connections == 3)
    #expect(try server.received().map(\.rcptTos) == (0..<5).map { ["user\($0)@example.com"] })
    #expect(try messageIDCounts(server).count == 5)
    // The default (100) carries them over one connection.
    let walk2 = try Walk()
    try Self.queue(5, in: walk2)
    let server2 = try SMTPTestServer()
    walk2.useServer(server2)
    try walk2.run(["mail", "flush", "--all"])
    #expect(try server2.connections == 1 && server2.received().count == 5)
  }

  /// A flush claims the queue 50 messages at a time (`Outbox.claimBatch`), and a connection
  /// with room left under MAIL_MAX_EMAILS carries on into the next batch (issue 15: one SMTP
  /// session for the run, not one per batch); the count carries over, so MAIL_MAX_EMAILS still
  /// bounds each connection.
  @Test func oneConnectionAcrossClaimedBatches() throws {
    let walk = try Walk()
    try walk.run(["migrate"])
    let store = try SQLiteStore(path: walk.db, create: false)
    func enqueue(_ range: Range<Int>) throws {
      try store.write { tx in
        for i in range {
          _ = try tx.enqueueMessage(
            userID: nil, kind: "confirm", channel: .mail, recipient: "user\(i)@example.com",
            subject: "Hello \(i)", body: "Hello,\n\nmessage \(i).\n",
            messageID: "m\(i)@example.com", now: Clock.system.now())
        }
      }
    }
    try enqueue(0..<120)
    let server = try SMTPTestServer()
    walk.useServer(server, ["MAIL_MAX_EMAILS": "1000"])
    let r = try walk.run(["mail", "flush", "--all"])
    #expect(r.stdout.hasPrefix("delivered 120"), "\(r.stdout)")
    #expect(try server.connections == 1)
    #expect(try messageIDCounts(server).count == 120)
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" && $0.body == nil })
    // 120 more with the default MAIL_MAX_EMAILS (100): two connections, 100 and 20.
    try enqueue(120..<240)
    walk.useServer(server)
    let again = try walk.run(["mail", "flush", "--all"])
    #expect(again.stdout.hasPrefix("delivered 120"), "\(again.stdout)")
    #expect(try server.connections == 3)
    #expect(try messageIDCounts(server).count == 240)
    #expect(try messageIDCounts(server).values.allSatisfy { $0 == 1 })
  }
}

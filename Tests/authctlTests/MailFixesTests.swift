import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 15's mail defects through the binary, against aiosmtpd configured to refuse a sender
/// at RCPT TO as Postfix does with `smtpd_delay_reject=yes` (its default): name-addr senders,
/// a sender refused at RCPT, bodies a reader that does not decode shows whole (bsd-mailx),
/// `mail flush` saying when deferred mail is due, and parallel connections.
@Suite(.serialized, .tags(.slow)) struct MailFixesTests {
  /// A server like a default Postfix: `refused@x.test` is refused at RCPT TO with
  /// `553 5.7.1 <refused@x.test>: Sender address rejected: not owned by user mailer`.
  static func postfixLike(
    _ options: SMTPTestServer.Options = .init(), refusing code: Int = 553,
    senders: [String] = ["refused@x.test"]
  ) throws -> SMTPTestServer {
    var options = options
    for s in senders { options.faults.rcptSenderReplies[s] = code }
    return try SMTPTestServer(options)
  }

  /// The raw header block of a received message, unfolded lines as sent.
  static func rawHeaders(_ m: SMTPTestServer.ReceivedMessage) -> [String] {
    String(decoding: m.data, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
      .components(separatedBy: "\r\n")
  }

  // MARK: 1. name-addr senders

  /// `Name <address>` in MAIL_DEFAULT_SENDER, MAIL_SENDERS and MAIL_USERNAME: the envelope
  /// carries the address, `From:` the whole name-addr (RFC 2047 for a non-ASCII name), the
  /// Message-ID the address's domain; `authctl config` shows the address.
  @Test func nameAddrSenders() throws {
    let server = try Self.postfixLike()
    let walk = try Walk()
    let cases: [(setting: [String: String], address: String, from: String)] = [
      (
        ["MAIL_DEFAULT_SENDER": "Accounts <accounts@example.com>"], "accounts@example.com",
        "Accounts <accounts@example.com>"
      ),
      (
        ["MAIL_DEFAULT_SENDER": "Comptes Élan <comptes@example.org>"], "comptes@example.org",
        "Comptes Élan <comptes@example.org>"
      ),
      (
        ["MAIL_SENDERS": "\"Accounts, Inc.\" <a@x.test>"], "a@x.test",
        "\"Accounts, Inc.\" <a@x.test>"
      ),
    ]
    for (n, c) in cases.enumerated() {
      walk.useServer(server, c.setting)
      let r = try walk.run(["register", "name\(n)@example.com"])
      #expect(r.stderr.contains("mail sent to name\(n)@example.com"), "\(r.stderr)")
      let m = try #require(try server.received().last)
      #expect(m.mailFrom == c.address, "the envelope carries the address only")
      #expect(m.from == c.from, "the From header carries the name-addr")
      let id = try #require(m.header("Message-ID"))
      #expect(id.hasSuffix("@\(c.address.split(separator: "@")[1])>"), "\(id)")
      let from = try #require(Self.rawHeaders(m).first { $0.hasPrefix("From: ") })
      #expect(from.utf8.allSatisfy { $0 < 128 }, "ASCII on the wire: \(from)")
      if c.from.contains("É") { #expect(from.hasPrefix("From: =?utf-8?B?"), "\(from)") }
      let shown = try walk.run(["config"]).stdout
      let name = c.setting.keys.first!
      let line = shown.split(separator: "\n").first { $0.hasPrefix(name + " ") } ?? ""
      #expect(line.hasSuffix("→ address \(c.address)"), "\(line)")
    }
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" })

    // MAIL_USERNAME written Name <address>: AUTH logs in as the address, which is also the
    // sender when no other is set.
    let auth = try SMTPTestServer(
      .init(tls: .startTLS, authRequired: true, username: "mailer@example.com", password: "pw"))
    walk.useServer(
      auth,
      [
        "MAIL_SERVER": "localhost", "MAIL_USE_TLS": "true",
        "MAIL_TLS_CA_FILE": TestCertificates.shared.caPath,
        "MAIL_USERNAME": "Mailer <mailer@example.com>", "MAIL_PASSWORD": "pw",
      ])
    walk.env["MAIL_DEFAULT_SENDER"] = nil
    try walk.run(["register", "auth@example.com"])
    #expect(try auth.sawAuth)
    let m = try #require(try auth.received().first)
    #expect(m.mailFrom == "mailer@example.com" && m.from == "Mailer <mailer@example.com>")
    let json = try walk.run(["config", "--format", "json"]).stdoutData
    let rows = try JSONSerialization.jsonObject(with: json) as? [[String: Any]] ?? []
    let username = rows.first { $0["name"] as? String == "MAIL_USERNAME" }
    #expect(username?["address"] as? String == "mailer@example.com", "\(username ?? [:])")
  }

  /// A malformed sender is refused when the configuration loads (78), naming the variable:
  /// nothing is stored, no connection is made, no header can be injected.
  @Test(arguments: [
    ("MAIL_DEFAULT_SENDER", "Accounts <accounts@example.com"),
    ("MAIL_DEFAULT_SENDER", "accounts@example.com>"),
    ("MAIL_DEFAULT_SENDER", "Accounts <accounts@example.com> Bcc: evil@example.com"),
    ("MAIL_DEFAULT_SENDER", "Accounts, Bcc: evil@example.com <accounts@example.com>"),
    ("MAIL_DEFAULT_SENDER", "\"Evil\rBcc: evil@example.com\" <accounts@example.com>"),
    ("MAIL_DEFAULT_SENDER", "Evil\u{1b}]0;x\u{7} <accounts@example.com>"),
    ("MAIL_DEFAULT_SENDER", "accounts"),
    ("MAIL_SENDERS", "a@x.test, Bad <b@x.test"),
    ("MAIL_SENDERS", "a@x.test, b@x.test>\nRCPT TO:<evil@example.com"),
    ("MAIL_USERNAME", "Mailer <mailer@example.com"),
  ])
  func malformedSenderRefusedAtLoad(name: String, value: String) throws {
    let server = try Self.postfixLike()
    let walk = try Walk()
    walk.useServer(server, [name: value])
    let r = try walk.run(["register", "ann@example.com"], expect: 78)
    #expect(r.stderr.hasPrefix("authctl: \(name) (from environment): "), "\(r.stderr)")
    #expect(!r.stderr.contains("\u{1b}") && !r.stderr.contains("\r"), "escaped: \(r.stderr)")
    try walk.run(["config"], expect: 78)
    try walk.run(["mail", "test", "ann@example.com"], expect: 78)
    #expect(!FileManager.default.fileExists(atPath: walk.db), "nothing created")
    #expect(try server.connections == 0)
  }

  // MARK: 2. a sender refused at RCPT TO

  /// MAIL_SENDERS with one sender Postfix refuses at RCPT TO (553 or 554 5.7.1 "Sender
  /// address rejected"): 8 confirmations sent one by one, then 8 queued ones in one flush, all
  /// go out from the other sender; none fails. (Each message draws its first sender at random;
  /// the server counts the refusals it gave: with 16 draws, none at all would happen once in
  /// 65,536 runs.)
  @Test(arguments: [553, 554])
  func senderRefusedAtRcptFallsBack(code: Int) throws {
    let server = try Self.postfixLike(refusing: code)
    let walk = try Walk()
    let pool = ["MAIL_SENDERS": "Good <good@x.test>, Refused <refused@x.test>"]
    walk.useServer(server, pool)
    for i in 0..<8 {
      let r = try walk.run(["register", "direct\(i)@example.com"])
      #expect(r.stderr.contains("mail sent to direct\(i)@example.com"), "\(r.stderr)")
    }
    try MailCommandTests.queue(8, in: walk, prefix: "queued")
    walk.useServer(server, pool)
    let flush = try walk.run(["mail", "flush", "--all"])
    #expect(flush.stdout.hasPrefix("delivered 8"), "\(flush.stdout)")
    let received = try server.received()
    #expect(received.count == 16)
    #expect(received.allSatisfy { $0.mailFrom == "good@x.test" && $0.from == "Good <good@x.test>" })
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" && $0.lastError == nil })
    #expect(try messageIDCounts(server).values.allSatisfy { $0 == 1 })
    #expect(try server.rcptSenderRefusals >= 1, "the refused sender was drawn")
  }

  /// Every sender refused at RCPT TO: the message fails with the server's reply. A 5.7.1 that
  /// names the recipient ("Relay access denied") is the recipient's refusal: the message fails
  /// without trying the other sender.
  @Test func refusalsThatEndTheMessage() throws {
    let server = try Self.postfixLike(senders: ["a@x.test", "b@x.test"])
    let walk = try Walk()
    walk.useServer(server, ["MAIL_SENDERS": "a@x.test, b@x.test"])
    let r = try walk.run(["register", "ann@example.com"])
    #expect(r.stderr.contains("refused"), "\(r.stderr)")
    var rows = try walk.outbox()
    #expect(rows.map(\.status) == ["failed"])
    #expect(rows[0].lastError?.hasPrefix("553 5.7.1 <") == true, "\(rows[0].lastError ?? "nil")")
    #expect(rows[0].lastError?.contains("Sender address rejected") == true)
    #expect(try server.rcptSenderRefusals == 2, "each sender once")

    let relay = try SMTPTestServer(
      .init(
        faults: .init(
          rcptReplies: ["bob@example.com": 554],
          replyText: "5.7.1 <bob@example.com>: Relay access denied")))
    walk.useServer(relay, ["MAIL_SENDERS": "a@x.test, b@x.test"])
    try walk.run(["register", "bob@example.com"])
    rows = try walk.outbox()
    #expect(rows.last?.status == "failed")
    #expect(rows.last?.lastError == "554 5.7.1 <bob@example.com>: Relay access denied")
    #expect(try relay.received().isEmpty)
  }

  // MARK: 3. bodies a reader shows whole

  /// bsd-mailx, Debian's mail(1): present, or the test is skipped (a failure under CI).
  static func mailx() -> String? {
    let path = "/usr/bin/bsd-mailx"
    if FileManager.default.isExecutableFile(atPath: path) { return path }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
      Issue.record("bsd-mailx is not installed (.ci/run installs it)")
    } else {
      print("skipped: bsd-mailx is not installed (apt-get install bsd-mailx msmtp-mta)")
    }
    return nil
  }

  /// Message 1 of `mbox` as `mail -f` prints it (on a copy, with an empty HOME and no
  /// mailrc, leaving without saving: `x`).
  static func mailxPrint(_ mailx: String, _ mbox: String, in dir: TempDir) throws -> String {
    let copy = dir.file("copy-\(UUID().uuidString).mbox")
    try FileManager.default.copyItem(atPath: mbox, toPath: copy)
    let home = dir.file("home")
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let r = try run(
      mailx, ["-N", "-f", copy], environment: ["HOME": home, "MAILRC": "/dev/null"],
      stdin: "p 1\nx\n")
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout
  }

  /// The confirmation over SMTP, stored in an mbox as a delivery agent would, and the one in
  /// the local mailbox transport: `mail -f` shows the Token line whole (the 405-character
  /// token), and the same token confirms the account; `mail show` still decodes.
  @Test func tokenIntactInMailx() throws {
    guard let mailx = Self.mailx() else { return }
    let server = try Self.postfixLike()
    let walk = try Walk()
    walk.useServer(server)
    try walk.run(["register", "ann@example.com"])
    let m = try #require(try server.received().first)
    #expect(m.header("Content-Transfer-Encoding") == "7bit")
    let token = try #require(Walk.line("Token", in: m.body ?? ""))
    #expect(token.count > 76, "longer than a quoted-printable line: \(token.count)")
    let mbox = walk.dir.file("delivered.mbox")
    try Mailbox(path: mbox).append(Array(m.data), envelopeFrom: m.mailFrom, date: 1_764_072_000)
    let shown = try Self.mailxPrint(mailx, mbox, in: walk.dir)
    #expect(Walk.line("Token", in: shown) == token, "mail -f shows the token whole: \(shown)")
    #expect(shown.contains("    authctl confirm \(token)\n"))

    // The local mailbox transport (no MAIL_SERVER).
    let local = try Walk()
    try local.run(["register", "bob@example.com"])
    let path = MailboxNotifier.path(forDatabase: local.db)
    let printed = try Self.mailxPrint(mailx, path, in: local.dir)
    let localToken = try #require(Walk.line("Token", in: printed), "\(printed)")
    #expect(localToken.count == token.count)
    #expect(printed.contains("Content-Transfer-Encoding: 7bit"))
    let decoded = try local.run(["mail", "show", "--to", "bob@example.com"]).stdout
    #expect(Walk.line("Token", in: decoded) == localToken)
    try local.run(["confirm", localToken])
    #expect(try local.count("SELECT count(*) FROM users WHERE activated_at IS NOT NULL") == 1)
  }

  // MARK: 4. mail flush says when deferred mail is due

  @Test func flushSaysWhenDeferredMailIsDue() throws {
    let walk = try Walk()
    try MailCommandTests.queue(2, in: walk)
    let server = try Self.postfixLike()
    walk.useServer(server)
    let r = try walk.run(["mail", "flush"], expect: 75)
    #expect(r.stdout.hasPrefix("delivered 0"), "\(r.stdout)")
    let rows = try walk.outbox()
    let next = rows.map(\.nextAttemptAt).min()!
    #expect(
      r.stderr.contains("2 message(s) wait for their retry time, the next due at \(next) (in "),
      "\(r.stderr)")
    #expect(r.stderr.contains("'authctl mail flush --all' sends them now"), "\(r.stderr)")
    #expect(try server.connections == 0, "nothing was due")
    let all = try walk.run(["mail", "flush", "--all"])
    #expect(all.stdout.hasPrefix("delivered 2"), "\(all.stdout)")
    #expect(!all.stderr.contains("retry time"))
  }

  // MARK: MAIL_CONNECTIONS

  /// 23 queued messages, MAIL_CONNECTIONS=3 and MAIL_MAX_EMAILS=4: every message delivered
  /// exactly once over at least six connections (none carrying more than four), all marked
  /// sent; the sender refused at RCPT is skipped on every connection.
  @Test func parallelConnections() throws {
    let walk = try Walk()
    try MailCommandTests.queue(23, in: walk)
    let server = try Self.postfixLike()
    walk.useServer(
      server,
      [
        "MAIL_CONNECTIONS": "3", "MAIL_MAX_EMAILS": "4",
        "MAIL_SENDERS": "good@x.test, refused@x.test",
      ])
    let r = try walk.run(["mail", "flush", "--all"])
    #expect(r.stdout.hasPrefix("delivered 23"), "\(r.stdout)")
    let received = try server.received()
    #expect(received.count == 23)
    #expect(Set(received.flatMap(\.rcptTos)) == Set((0..<23).map { "user\($0)@example.com" }))
    #expect(received.allSatisfy { $0.mailFrom == "good@x.test" })
    #expect(try messageIDCounts(server).values.allSatisfy { $0 == 1 })
    let connections = try server.connections
    #expect(connections >= 6, "\(connections) connections")
    #expect(try walk.outbox().allSatisfy { $0.status == "sent" && $0.body == nil })
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 11 through the binary, the retention properties: secrets do not outlive their use
/// (10), disable kills outstanding tokens (11), sessions are bounded (16), and the flood guard
/// counts a mailbox once (17). Time is moved by rewriting stored times, never by sleeping.
@Suite(.serialized, .tags(.slow)) struct SecurityRetentionTests {
  static let secret = "retention-test-secret-0123456789abcdef0123"
  static let password = "retention passphrase 7"

  /// A confirmed account with `password`, made the operator's way: `register`, `users confirm`
  /// and `users set-password`, so no confirmation mail needs to be read.
  static func account(_ walk: Walk, _ email: String, password: String = password) throws {
    try walk.run(["-q", "register", email])
    try walk.run(["-q", "users", "confirm", email])
    try walk.run(
      ["-q", "users", "set-password", email, "--password-stdin"], stdin: password + "\n")
  }

  /// Logs `email` in `count` times, each into its own session file; returns the files, oldest
  /// login first.
  static func logins(_ walk: Walk, _ email: String, _ count: Int, prefix: String) throws
    -> [String]
  {
    let files = (1...count).map { walk.dir.file("sessions/\(prefix)\($0)") }
    for f in files {
      try walk.run(
        ["-q", "--session-file", f, "login", email, "--password-stdin"],
        stdin: Self.password + "\n")
    }
    return files
  }

  /// The ISO-8601 time `seconds` ago.
  static func ago(_ seconds: Int64) -> String {
    Timestamp.format(Int64(Date().timeIntervalSince1970) - seconds)
  }

  static let day: Int64 = 86_400

  // MARK: 10. Secrets do not outlive their use

  /// A 5xx refusal fails the message for good: its body (the confirmation token, the reset
  /// token and code) is gone from the row at once; `mail queue` still shows the recipient,
  /// the subject and the server's reply.
  @Test func permanentFailureForgetsTheBody() throws {
    let email = "ann@example.com"
    let server = try SMTPTestServer(.init(faults: .init(rcptReplies: [email: 550])))
    let walk = try Walk()
    walk.useServer(server)
    try walk.run(["register", email])
    try walk.run(["users", "confirm", email])
    try walk.run(["recover", email])
    let rows = try walk.outbox()
    try #require(rows.count == 2)
    for row in rows {
      #expect(row.status == "failed", "\(row)")
      #expect(row.body == nil, "the body is gone: \(row.body ?? "")")
      #expect(row.recipient == email)
      #expect(!row.subject.isEmpty)
      #expect(row.lastError?.hasPrefix("550") == true, "\(row.lastError ?? "nil")")
    }
    let queue = try walk.queueJSON()
    #expect(queue.map { $0["to"] as? String } == [email, email])
    #expect(queue.map { $0["subject"] as? String } == rows.map(\.subject))
    #expect(queue.map { $0["status"] as? String } == ["failed", "failed"])
    #expect(queue.allSatisfy { ($0["last_error"] as? String)?.hasPrefix("550") == true })
    #expect(try walk.count("SELECT count(*) FROM audit WHERE event = 'mail.failed'") == 2)
    #expect(try server.received().isEmpty)
  }

  /// A message deferred at each try (451) keeps its body while it has tries left; at its last
  /// attempt (`Outbox.maxAttempts`) it fails for good and its body goes, in the same
  /// bookkeeping transaction. The earlier attempts are set in the row, not waited for.
  @Test func lastRetryFailsAndForgetsTheBody() throws {
    let email = "ann@example.com"
    let server = try SMTPTestServer(.init(faults: .init(rcptReplies: [email: 451])))
    let walk = try Walk()
    walk.useServer(server)
    try walk.run(["register", email])
    var row = try #require(try walk.outbox().first)
    #expect(row.status == "queued" && row.body != nil && row.attempts == 1, "\(row)")
    let last = Int64(Outbox.maxAttempts)
    try walk.connection().run("UPDATE outbox SET attempts = ?1", [.integer(last - 2)])
    try walk.run(["mail", "flush", "--all"], expect: 75)
    row = try #require(try walk.outbox().first)
    #expect(row.status == "queued" && row.body != nil, "one try left: kept. \(row)")
    #expect(row.attempts == last - 1)
    let flush = try walk.run(["mail", "flush", "--all"])
    #expect(flush.stdout.contains("failed 1"), "\(flush.stdout)")
    #expect(flush.stderr.contains("gave up after \(last) attempts"), "\(flush.stderr)")
    row = try #require(try walk.outbox().first)
    #expect(row.status == "failed" && row.body == nil && row.attempts == last, "\(row)")
    #expect(row.lastError?.contains("451") == true, "\(row.lastError ?? "nil")")
    let queue = try walk.queueJSON()
    #expect(queue.count == 1)
    #expect(queue.first?["to"] as? String == email)
    #expect(queue.first?["subject"] as? String == row.subject)
    #expect((queue.first?["last_error"] as? String)?.contains("gave up") == true)
    // A failed message is never tried again, even by a good server.
    let good = try SMTPTestServer()
    walk.useServer(good)
    try walk.run(["mail", "flush", "--all"])
    #expect(try good.received().isEmpty)
  }

  /// `users delete` removes every outbox row of the account: failed, queued and sent alike;
  /// another account's rows stay. `users purge` does the same for the accounts it removes.
  @Test func deleteAndPurgeRemoveEveryOutboxRow() throws {
    let ann = "ann@example.com"
    let refusing = try SMTPTestServer(
      .init(faults: .init(rcptReplies: [ann: 550, "carol@example.com": 550])))
    let walk = try Walk()
    walk.useServer(refusing)
    try walk.run(["register", ann])  // failed
    try walk.run(["users", "confirm", ann])
    try walk.run(["register", "carol@example.com"])  // failed, and left unconfirmed
    walk.useServer(port: try closedPort())
    try walk.run(["recover", ann])  // queued
    try walk.run(["register", "bob@example.com"])  // queued, another account
    let good = try SMTPTestServer()
    walk.useServer(good)
    try walk.run(["recover", ann])  // sent
    let annID = try #require(try walk.value("SELECT id FROM users WHERE email = ?1", [.text(ann)]))
    let statuses = try walk.connection().all(
      "SELECT status FROM outbox WHERE user_id = ?1 ORDER BY id", [.text(annID)]
    ) { $0.text(0) }
    #expect(statuses == ["failed", "queued", "sent"])

    try walk.run(["users", "delete", ann, "--yes"])
    #expect(try walk.count("SELECT count(*) FROM outbox WHERE user_id = ?1", [.text(annID)]) == 0)
    #expect(try walk.count("SELECT count(*) FROM outbox WHERE recipient = ?1", [.text(ann)]) == 0)
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE recipient = 'bob@example.com'") == 1)

    // carol is unconfirmed and a week and a day old: the purge takes her failed mail too.
    try walk.connection().run(
      "UPDATE users SET created_at = ?1 WHERE email = 'carol@example.com'",
      [.text(Self.ago(8 * Self.day))])
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE recipient = 'carol@example.com'") == 1)
    try walk.run(["users", "purge", "--unconfirmed", "--older-than", "7d"])
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE recipient = 'carol@example.com'") == 0)
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE recipient = 'bob@example.com'") == 1)
  }

  // MARK: 11. Disable kills outstanding tokens

  /// A reset token and code mailed before `users disable` (authctl's own, and one in the
  /// original app's shape with its code in clear) are refused after `users enable`; the
  /// password is unchanged. A reset asked for after the enable works.
  @Test func disableKillsMailedTokens() throws {
    let email = "me@example.com"
    let walk = try Walk(env: ["JWT_SECRET": Self.secret, "AUTHCTL_TOKEN_ISSUER": "DarkEngine"])
    try Self.account(walk, email)
    // The password was set a minute ago, so a token of the original app (which carries no
    // fingerprint, only its issue time) made now is valid until the disable.
    try walk.connection().run("UPDATE users SET security_changed_at = ?1", [.text(Self.ago(60))])
    let id = try #require(try walk.value("SELECT id FROM users"))
    try walk.run(["-q", "recover", email])
    let mail = try walk.run(["mail", "show"]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let code = try #require(Walk.line("Code", in: mail))
    // The original app's reset token, issued a few seconds before the disable.
    let make = """
      import jwt, sys, time, uuid
      now = int(time.time()) - 5
      print(jwt.encode({"iss": "DarkEngine", "aud": ["purpose:reset_password"], "iat": now, "exp": now + 1800,
        "sub": {"email": "me@example.com", "user_id": sys.argv[2]}, "code": "123456"}, sys.argv[1],
        algorithm="HS256", headers={"kid": str(uuid.uuid5(uuid.NAMESPACE_DNS, "me@example.com"))}))
      """
    let original = try python(make, [Self.secret, id]).stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    // Both tokens are good before the disable: a wrong code is what they are refused for.
    for t in [token, original] {
      let wrong = try walk.run(
        ["reset", t, "--code", code == "000000" ? "999999" : "000000", "--password-stdin"],
        stdin: "a brand new passphrase 1\n", expect: 77)
      #expect(wrong.stderr.contains("wrong code"), "\(wrong.stderr)")
    }
    let stamp = try walk.value("SELECT stamp FROM users")

    try walk.run(["users", "disable", email])
    #expect(try walk.value("SELECT stamp FROM users") != stamp, "a new stamp")
    #expect(try walk.value("SELECT security_changed_at FROM users") != nil)
    try walk.run(["users", "enable", email])

    let before = try walk.snapshot()
    for (t, c) in [(token, code), (original, "123456")] {
      let r = try walk.run(
        ["reset", t, "--code", c, "--password-stdin"], stdin: "a brand new passphrase 1\n",
        expect: 77)
      #expect(r.stderr.contains("token already used"), "\(r.stderr)")
    }
    #expect(try walk.snapshot() == before, "nothing changed")
    try walk.run(["-q", "login", email, "--password-stdin"], stdin: Self.password + "\n")

    // Control: a token mailed after the enable resets the password.
    try walk.run(["-q", "recover", email])
    let fresh = try walk.run(["mail", "show"]).stdout
    try walk.run(
      [
        "-q", "reset", try #require(Walk.line("Token", in: fresh)), "--code",
        try #require(Walk.line("Code", in: fresh)), "--password-stdin",
      ], stdin: "a brand new passphrase 2\n")
  }

  // MARK: 16. Sessions are bounded

  /// Twelve logins with the default AUTHCTL_MAX_SESSIONS (10): ten live sessions; the two
  /// oldest are revoked with the reason "session limit", audited, and their session files are
  /// refused by `whoami`; the ten newest work.
  @Test func twelveLoginsLeaveTenLiveSessions() throws {
    let email = "ann@example.com"
    let walk = try Walk()
    try Self.account(walk, email)
    let files = try Self.logins(walk, email, 12, prefix: "s")
    let now = Self.ago(0)
    #expect(
      try walk.count(
        "SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > ?1", [.text(now)])
        == 10)
    let revoked = try walk.connection().all(
      "SELECT revoked_reason FROM sessions WHERE revoked_at IS NOT NULL ORDER BY rowid"
    ) { $0.optionalText(0) }
    #expect(revoked == ["session limit", "session limit"])
    #expect(
      try walk.count(
        "SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL AND rowid > "
          + "(SELECT min(rowid) + 1 FROM sessions)") == 0,
      "the two oldest ended")
    let audited = try walk.connection().all(
      "SELECT email, outcome, reason FROM audit WHERE event = 'session.limit'"
    ) { ($0.text(0), $0.text(1), $0.optionalText(2) ?? "") }
    #expect(audited.count == 2)
    #expect(audited.allSatisfy { $0.0 == email && $0.2.contains("AUTHCTL_MAX_SESSIONS") })
    for f in files.prefix(2) {
      let r = try walk.run(["--session-file", f, "whoami"], expect: 77)
      #expect(r.stderr.contains("session limit"), "\(r.stderr)")
    }
    for f in files.dropFirst(2) { try walk.run(["-q", "--session-file", f, "whoami"]) }
    let show = try walk.run(["users", "show", email, "--format", "json"])
    let fields = try JSONSerialization.jsonObject(with: show.stdoutData) as? [String: Any]
    #expect((fields?["live_sessions"] as? NSNumber)?.intValue == 10, "\(show.stdout)")
  }

  /// AUTHCTL_MAX_SESSIONS=1 keeps only the newest session; 0 or a non-number is a bad
  /// configuration (78) naming the variable.
  @Test func maxSessionsSetting() throws {
    let email = "ann@example.com"
    let walk = try Walk()
    try Self.account(walk, email)
    for bad in ["0", "-1", "ten"] {
      walk.env["AUTHCTL_MAX_SESSIONS"] = bad
      let r = try walk.run(
        ["login", email, "--password-stdin"], stdin: Self.password + "\n", expect: 78)
      #expect(r.stderr.contains("AUTHCTL_MAX_SESSIONS"), "\(r.stderr)")
    }
    #expect(try walk.count("SELECT count(*) FROM sessions") == 0)
    walk.env["AUTHCTL_MAX_SESSIONS"] = "1"
    let files = try Self.logins(walk, email, 2, prefix: "one")
    try walk.run(["--session-file", files[0], "whoami"], expect: 77)
    try walk.run(["-q", "--session-file", files[1], "whoami"])
  }

  /// `sessions prune` deletes the rows of sessions that ended (revoked or expired, whichever
  /// first) more than 30 days ago, and nothing else: the times are moved in the database.
  @Test func pruneRemovesOnlySessionsEndedLongAgo() throws {
    let email = "ann@example.com"
    let walk = try Walk()
    try Self.account(walk, email)
    let files = try Self.logins(walk, email, 6, prefix: "p")
    let c = try walk.connection()
    let ids = try c.all("SELECT id FROM sessions ORDER BY rowid") { $0.text(0) }
    try #require(ids.count == 6)
    let revoke = "UPDATE sessions SET revoked_at = ?2, revoked_reason = 'logout' WHERE id = ?1"
    let expire = "UPDATE sessions SET expires_at = ?2 WHERE id = ?1"
    try c.run(revoke, [.text(ids[0]), .text(Self.ago(31 * Self.day))])  // pruned
    try c.run(revoke, [.text(ids[1]), .text(Self.ago(29 * Self.day))])  // kept
    try c.run(expire, [.text(ids[2]), .text(Self.ago(31 * Self.day))])  // pruned
    try c.run(expire, [.text(ids[3]), .text(Self.ago(29 * Self.day))])  // kept
    // Expired 40 days ago, revoked (say, by a password change) 5 days ago: ended 40 days ago.
    try c.run(expire, [.text(ids[4]), .text(Self.ago(40 * Self.day))])
    try c.run(revoke, [.text(ids[4]), .text(Self.ago(5 * Self.day))])
    // ids[5] is live.

    let before = try walk.snapshot()
    let dry = try walk.run(["sessions", "prune", "--dry-run"])
    #expect(dry.stderr.contains("3 session(s)"), "\(dry.stderr)")
    #expect(try walk.snapshot() == before, "a dry run removes nothing")

    let r = try walk.run(["sessions", "prune"])
    #expect(r.stdout.hasPrefix("removed 3 session(s)"), "\(r.stdout)")
    #expect(
      try c.all("SELECT id FROM sessions ORDER BY rowid") { $0.text(0) } == [
        ids[1], ids[3], ids[5],
      ])
    try walk.run(["-q", "--session-file", files[5], "whoami"])
    let again = try walk.run(["sessions", "prune"])
    #expect(again.stdout.hasPrefix("removed 0 session(s)"), "\(again.stdout)")

    // A shorter age, given: the two ended 29 days ago go; the live one never does.
    let short = try walk.run(["sessions", "prune", "--older-than", "7d"])
    #expect(short.stdout.hasPrefix("removed 2 session(s)"), "\(short.stdout)")
    #expect(try c.all("SELECT id FROM sessions") { $0.text(0) } == [ids[5]])
    try walk.run(["-q", "--session-file", files[5], "whoami"])
    #expect(try walk.count("SELECT count(*) FROM audit WHERE event = 'admin.sessions-prune'") == 3)
    try walk.run(["sessions", "prune", "--older-than", "soon"], expect: 64)
  }

  // MARK: 17. The flood guard counts a mailbox once

  /// With the default AUTHCTL_MAIL_PER_HOUR (20), `ann+1@…` … `ann+20@…` use up the mailbox's
  /// allowance: the 21st address with a tag, the bare address, and either in capitals are
  /// refused with 75 and nothing changes; other mailboxes are not affected.
  @Test func plusTagsAndCaseShareOneAllowance() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true"])
    for i in 1...20 { try walk.run(["-q", "register", "ann+\(i)@example.com"]) }
    let before = try walk.snapshot()
    for address in [
      "ann+21@example.com", "ann@example.com", "ANN+22@EXAMPLE.COM", "Ann@Example.Com",
    ] {
      let r = try walk.run(["register", address], expect: 75)
      #expect(r.stderr.contains("AUTHCTL_MAIL_PER_HOUR"), "\(r.stderr)")
      #expect(r.stderr.contains("ann@example.com"), "\(r.stderr)")
      if address.lowercased() != "ann@example.com" {
        #expect(r.stderr.contains("(counted as ann@example.com)"), "\(r.stderr)")
      }
    }
    #expect(try walk.snapshot() == before, "nothing queued, nothing changed")
    #expect(try walk.count("SELECT count(*) FROM users") == 20)
    for other in ["bob@example.com", "ann@example.org", "anne+1@example.com", "ann.b@example.com"] {
      try walk.run(["-q", "register", other])
    }
  }

  /// `recover` to a confirmed account is counted the same way, and rows queued before the
  /// migration that added the key (any case, any tag) count too; that migration also clears
  /// the bodies of messages that had already failed.
  @Test func rowsFromBeforeTheMigrationCount() throws {
    let walk = try Walk(env: ["AUTHCTL_MAIL_PER_HOUR": "3", "MAIL_SUPPRESS_SEND": "true"])
    let mine = try #require(Schema.migrations.first { $0.name.hasPrefix("outbox: flood guard") })
    let db = try Connection(path: walk.db, create: true)
    try Migrator(Array(Schema.migrations.prefix(mine.version - 1))).migrate(
      db,
      context: MigrationContext(
        now: Clock.system.now(), randomBytes: { try Random.bytes($0) }, jwtSecretConfigured: false,
        notice: { _ in }))
    let insert = """
      INSERT INTO outbox (kind, recipient, subject, body, message_id, status, attempts,
        last_error, created_at, next_attempt_at)
      VALUES ('recover', ?1, 'Reset your password', ?2, ?3, ?4, 1, NULL, ?5, ?5)
      """
    let rows: [(String, String?, String)] = [
      ("Ann+Old@Example.COM", "Code: 111111", "failed"),
      ("ann@EXAMPLE.com", nil, "sent"),
      ("ann+x@example.com", "Code: 222222", "queued"),
    ]
    for (n, (to, body, status)) in rows.enumerated() {
      try db.run(
        insert,
        [
          .text(to), .optional(body), .text("<\(n)@example.com>"), .text(status),
          .text(Self.ago(60)),
        ])
    }
    try walk.run(["migrate"])
    let after = try walk.outbox()
    #expect(after.map(\.body) == [nil, nil, "Code: 222222"], "failed: body cleared; queued: kept")
    #expect(
      try walk.connection().all("SELECT DISTINCT recipient_key FROM outbox") { $0.text(0) }
        == ["ann@example.com"])
    let r = try walk.run(["register", "ann@example.com"], expect: 75)
    #expect(r.stderr.contains("AUTHCTL_MAIL_PER_HOUR"), "\(r.stderr)")
    try walk.run(["-q", "register", "bob@example.com"])
  }
}

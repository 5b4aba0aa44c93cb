import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The kill harness of issue 8: SIGKILL the binary at a random moment of register, confirm,
/// reset, passwd (scripted), users import, users purge and mail flush, then check the file is
/// sound, the operation happened wholly or not at all, and no committed mail is lost (a
/// duplicate after a kill between delivery and bookkeeping is the one anomaly allowed; counted).
///
/// Trials: `AUTHCTL_TEST_KILLS` in all (default 42, a short run for CI), shared evenly by the
/// seven operations. The kill comes after a random delay between 0 and 1.2 × the operation's
/// own unkilled duration (measured first), so it lands inside the work rather than after it;
/// `timeout(1)` sends it, so the test itself never sleeps. Each operation prints the seed of
/// its delays; `AUTHCTL_TEST_SEED` replays them (the moments, not the scheduler).
@Suite(.tags(.slow)) struct CrashSafetyTests {
  static let totalTrials: Int = {
    Int(ProcessInfo.processInfo.environment["AUTHCTL_TEST_KILLS"] ?? "") ?? 42
  }()
  static var perOperation: Int { max(3, (totalTrials + 6) / 7) }
  static let password = "crash safe horse battery 42"
  static let newPassword = "another long passphrase 77"

  /// What happened to the trials of one operation.
  struct Tally: CustomStringConvertible {
    var store: StoreKind = .sqlite
    var name: String
    /// The delays' generator, seeded and printed.
    var random: TestSeed
    var killed = 0
    var finished = 0
    var statuses: [Int32: Int] = [:]
    var duplicates = 0
    init(store: StoreKind = .sqlite, name: String) {
      self.store = store
      self.name = name
      random = TestSeed("CrashSafetyTests[\(store)]: \(name)")
    }

    var description: String {
      let s = statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(
        separator: " ")
      return
        "CrashSafetyTests[\(store)]: \(name): \(killed + finished) trials, \(killed) killed mid-run, "
        + "\(finished) finished first (\(s.isEmpty ? "-" : s)), \(duplicates) duplicate deliveries"
    }
  }

  /// A database in its own folder with its mailbox beside it (`x.sqlite` → `x.mbox`; for
  /// PostgreSQL, `authctl.mbox` in the folder the commands run in).
  struct Place {
    let store: StoreKind
    let dir: TempDir
    let db: String
    let mbox: String
    var environment: [String: String]

    init(_ store: StoreKind, _ environment: [String: String] = [:]) throws {
      self.store = store
      let database = try TestDatabase(store, name: "kill", dir: try TempDir("authctl-kill"))
      dir = database.dir
      db = database.location
      mbox = database.mbox
      self.environment = environment
      let r = try authctl(
        ["--db", db, "-q", "migrate"], environment: environment, directory: dir.url)
      #expect(r.status == 0, "\(r.stderr)")
    }

    @discardableResult
    func ok(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> RunResult
    {
      let r = try authctl(
        ["--db", db, "-q"] + args, environment: environment.merging(env) { $1 }, stdin: stdin,
        directory: dir.url)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      return r
    }

    func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
      try scalar(db, sql, values)
    }

    /// The password hash of `email` (nil when there is none).
    func passwordHash(_ email: String) throws -> String? {
      try DatabaseProbe(db).value("SELECT password FROM users WHERE email = ?1", [.text(email)])
    }

    /// The first column of every row of `sql`, as text.
    func texts(_ sql: String, _ values: [SQLValue] = []) throws -> [String] {
      try DatabaseProbe(db).rows(sql, values).map { $0.first.flatMap { $0 } ?? "" }
    }

    /// Times one unkilled run of `args` (seconds).
    func timed(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> Double
    {
      let start = Date()
      try ok(args, stdin: stdin, env: env)
      return Date().timeIntervalSince(start)
    }

    /// Runs `args` under `timeout -s KILL` with a random delay in 0…1.2×`typical`; records the
    /// outcome.
    func trial(
      _ args: [String], typical: Double, stdin: String? = nil, env: [String: String] = [:],
      _ tally: inout Tally
    ) throws {
      let delay = Double.random(in: 0...max(typical * 1.2, 0.002), using: &tally.random)
      var environment = environment.merging(env) { $1 }
      environment["AUTHCTL_BCRYPT_COST"] = environment["AUTHCTL_BCRYPT_COST"] ?? "4"
      // timeout(1): a duration of 0 would mean none. After killing authctl it dies of the same
      // signal (or, as PID 1, exits 128 + 9).
      let p = try SpawnedProcess(
        [
          "-s", "KILL", String(format: "%.6f", max(delay, 0.000_001)), authctlPath, "--db", db,
          "-q",
        ]
          + args, executable: "/usr/bin/timeout", environment: environment, stdin: stdin,
        directory: dir.url, scratch: dir)
      if p.wait() || p.status == 128 + SIGKILL {
        tally.killed += 1
      } else {
        tally.finished += 1
        tally.statuses[p.status, default: 0] += 1
        #expect(p.status == 0, "\(args) exited \(p.status) unkilled: \(p.stderr)")
      }
      #expect(try integrityCheck(db) == "ok", "integrity after \(args)")
    }

    /// The messages of the mailbox by Message-ID (a kill mid-append leaves a partial one,
    /// which still names its Message-ID and so counts as a delivery).
    func mailbox() throws -> [MboxMessage] {
      FileManager.default.fileExists(atPath: mbox) ? try MboxMessage.read(mbox) : []
    }

    /// The newest mail to `email` in the mailbox.
    func lastMail(to email: String) throws -> MboxMessage? {
      try mailbox().last { $0.to == email }
    }

    /// Delivers whatever is left, then checks every outbox message reached the mailbox at
    /// least once and none came from nowhere; returns the number of duplicates.
    func settleMailbox() throws -> Int {
      try ok(["mail", "flush", "--all"])
      #expect(try count("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0)
      let ids = try texts("SELECT message_id FROM outbox").map { "<" + $0 + ">" }
      let seen = try mailbox().map(\.messageID)
      let seenSet = Set(seen)
      for id in ids where !seenSet.contains(id) { Issue.record("committed mail \(id) lost") }
      for id in seenSet where !ids.contains(id) {
        Issue.record("mail \(id) delivered but not committed")
      }
      return seen.count - seenSet.count
    }
  }

  static func email(_ tag: String, _ i: Int) -> String { "\(tag)\(i)@example.com" }

  @Test(arguments: StoreKind.available)
  func register(store: StoreKind) throws {
    let place = try Place(store)
    var tally = Tally(store: store, name: "register")
    let typical = try place.timed(["register", "baseline@example.com"])
    for i in 0..<Self.perOperation {
      let email = Self.email("reg", i)
      try place.trial(["register", email], typical: typical, &tally)
      let users = try place.count("SELECT count(*) FROM users WHERE email = ?1", [.text(email)])
      let mails = try place.count(
        "SELECT count(*) FROM outbox WHERE recipient = ?1 AND kind = 'confirm'", [.text(email)])
      #expect(users == mails && users <= 1, "\(email): account \(users) ⇔ its mail \(mails)")
    }
    tally.duplicates = try place.settleMailbox()
    print(tally)
  }

  @Test(arguments: StoreKind.available)
  func confirm(store: StoreKind) throws {
    let place = try Place(store)
    var tally = Tally(store: store, name: "confirm")
    let n = Self.perOperation
    for i in 0...n { try place.ok(["register", Self.email("conf", i)]) }
    let mails = try place.mailbox()
    func token(_ i: Int) -> String {
      mails.last { $0.to == Self.email("conf", i) }?.token ?? "missing"
    }
    let typical = try place.timed(["confirm", token(n)])
    for i in 0..<n {
      let email = Self.email("conf", i)
      try place.trial(["confirm", token(i)], typical: typical, &tally)
      let active = try place.count(
        "SELECT count(*) FROM users WHERE email = ?1 AND activated_at IS NOT NULL", [.text(email)])
      let notices = try place.count(
        "SELECT count(*) FROM outbox WHERE recipient = ?1 AND kind = 'activated'", [.text(email)])
      #expect(active == notices && active <= 1, "\(email): activated \(active) ⇔ notice \(notices)")
    }
    tally.duplicates = try place.settleMailbox()
    print(tally)
  }

  /// Confirmed accounts with a known password, each with a recovery mail (token and code).
  func recovered(_ place: Place, _ tag: String, _ count: Int) throws -> [(String, String, String)] {
    for i in 0..<count {
      let email = Self.email(tag, i)
      try place.ok(["register", email, "--password-stdin"], stdin: Self.password + "\n")
      try place.ok(["users", "confirm", email])
      try place.ok(["recover", email])
    }
    let mails = try place.mailbox()
    return (0..<count).map { i in
      let email = Self.email(tag, i)
      let m = mails.last { $0.to == email && $0.code != nil }
      return (email, m?.token ?? "missing", m?.code ?? "000000")
    }
  }

  @Test(arguments: StoreKind.available)
  func reset(store: StoreKind) throws {
    let place = try Place(store)
    var tally = Tally(store: store, name: "reset")
    let n = Self.perOperation
    let accounts = try recovered(place, "reset", n + 1)
    func hash(_ email: String) throws -> String? { try place.passwordHash(email) }
    let typical = try place.timed(
      ["reset", accounts[n].1, "--code", accounts[n].2, "--password-stdin"],
      stdin: Self.newPassword + "\n")
    for i in 0..<n {
      let (email, token, code) = accounts[i]
      let before = try hash(email)
      // Half choose a password, half have one generated and mailed.
      let chosen = i % 2 == 0
      try place.trial(
        ["reset", token, "--code", code] + (chosen ? ["--password-stdin"] : []), typical: typical,
        stdin: chosen ? Self.newPassword + "\n" : nil, &tally)
      let changed = try hash(email) != before ? 1 : 0
      let notices = try place.count(
        "SELECT count(*) FROM outbox WHERE recipient = ?1 AND kind = 'reset'", [.text(email)])
      #expect(Int64(changed) == notices, "\(email): password changed \(changed) ⇔ mail \(notices)")
    }
    tally.duplicates = try place.settleMailbox()
    print(tally)
  }

  @Test(arguments: StoreKind.available)
  func passwd(store: StoreKind) throws {
    let place = try Place(store)
    var requests = Tally(store: store, name: "passwd --request")
    var changes = Tally(store: store, name: "passwd --code")
    let n = max(2, Self.perOperation / 2 + 1)
    func session(_ i: Int) -> String { place.dir.file("session-\(i)/session") }
    for i in 0...n {
      let email = Self.email("pw", i)
      try place.ok(["register", email, "--password-stdin"], stdin: Self.password + "\n")
      try place.ok(["users", "confirm", email])
      try place.ok(
        ["--session-file", session(i), "login", email, "--password-stdin"],
        stdin: Self.password + "\n")
    }
    func hash(_ email: String) throws -> String? { try place.passwordHash(email) }
    let typicalRequest = try place.timed(
      ["--session-file", session(n), "passwd", "--request", "--password-stdin"],
      stdin: Self.password + "\n")
    let baselineCode = try place.lastMail(to: Self.email("pw", n))?.code ?? "000000"
    let typicalCode = try place.timed(
      ["--session-file", session(n), "passwd", "--code", baselineCode, "--password-stdin"],
      stdin: Self.newPassword + "\n")
    for i in 0..<n {
      let email = Self.email("pw", i)
      let userID =
        try place.texts("SELECT id FROM users WHERE email = ?1", [.text(email)]).first ?? ""
      // Step 1, killed: a code row ⇔ its mail.
      try place.trial(
        ["--session-file", session(i), "passwd", "--request", "--password-stdin"],
        typical: typicalRequest, stdin: Self.password + "\n", &requests)
      let codes = try place.count("SELECT count(*) FROM codes WHERE user_id = ?1", [.text(userID)])
      let codeMails = try place.count(
        "SELECT count(*) FROM outbox WHERE user_id = ?1 AND kind = 'passwd-code'", [.text(userID)])
      #expect(codes == codeMails, "\(email): codes \(codes) ⇔ code mails \(codeMails)")
      // Step 2, killed: with a fresh code (an unkilled request), the password changes ⇔ the
      // notice is queued ⇔ every session ends.
      try place.ok(
        ["--session-file", session(i), "passwd", "--request", "--password-stdin"],
        stdin: Self.password + "\n")
      let code = try place.lastMail(to: email)?.code ?? "000000"
      let before = try hash(email)
      try place.trial(
        ["--session-file", session(i), "passwd", "--code", code, "--password-stdin"],
        typical: typicalCode, stdin: Self.newPassword + "\n", &changes)
      let changed: Int64 = try hash(email) != before ? 1 : 0
      let notices = try place.count(
        "SELECT count(*) FROM outbox WHERE user_id = ?1 AND kind = 'passwd'", [.text(userID)])
      let live = try place.count(
        "SELECT count(*) FROM sessions WHERE user_id = ?1 AND revoked_at IS NULL", [.text(userID)])
      #expect(changed == notices, "\(email): changed \(changed) ⇔ notice \(notices)")
      #expect(live == 1 - changed, "\(email): live sessions \(live) after changed \(changed)")
    }
    let duplicates = try place.settleMailbox()
    requests.duplicates = duplicates
    print(requests)
    print(changes)
  }

  @Test(arguments: StoreKind.available)
  func usersImport(store: StoreKind) throws {
    let place = try Place(store)
    var tally = Tally(store: store, name: "users import (3000 rows)")
    let rows = 3000
    func csv(_ tag: String) throws -> String {
      var text = "email,password_hash,activated_at,created_at\n"
      for r in 0..<rows {
        text += "\(tag)-\(r)@example.com,,2024-01-02T03:04:05Z,2024-01-01T00:00:00Z\n"
      }
      let file = place.dir.file("\(tag).csv")
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      return file
    }
    let typical = try place.timed(["users", "import", try csv("base")])
    for i in 0..<Self.perOperation {
      let tag = "imp\(i)"
      try place.trial(["users", "import", try csv(tag)], typical: typical, &tally)
      let n = try place.count("SELECT count(*) FROM users WHERE email LIKE ?1", [.text("\(tag)-%")])
      #expect(n == 0 || n == Int64(rows), "\(tag): \(n) of \(rows) rows")
    }
    print(tally)
  }

  @Test(arguments: StoreKind.available)
  func usersPurge(store: StoreKind) throws {
    let place = try Place(store)
    var tally = Tally(store: store, name: "users purge (300 eligible + leftovers)")
    let eligible =
      "SELECT count(*) FROM users WHERE activated_at IS NULL AND created_at < '2021-01-01'"
    func importOld(_ tag: String) throws {
      var text = "email,password_hash,activated_at,created_at\n"
      for r in 0..<300 { text += "\(tag)-\(r)@example.com,,,2020-01-01T00:00:00Z\n" }
      // Confirmed old accounts and new unconfirmed ones are never eligible.
      for r in 0..<20 {
        text += "\(tag)-kept-\(r)@example.com,,2020-02-01T00:00:00Z,2020-01-01T00:00:00Z\n"
      }
      let file = place.dir.file("\(tag).csv")
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      try place.ok(["users", "import", file])
      try place.ok(["register", "\(tag)-new@example.com"])
    }
    try importOld("base")
    let purge = ["users", "purge", "--unconfirmed", "--older-than", "1d"]
    let typical = try place.timed(purge)
    for i in 0..<Self.perOperation {
      try importOld("purge\(i)")
      let before = try place.count(eligible)
      let total = try place.count("SELECT count(*) FROM users")
      try place.trial(purge, typical: typical, &tally)
      let after = try place.count(eligible)
      #expect(after == 0 || after == before, "purge \(i): \(after) eligible left of \(before)")
      #expect(try place.count("SELECT count(*) FROM users") == total - (before - after))
    }
    print(tally)
  }

  /// Flushes killed mid-run, pipelined (the server offers PIPELINING), over one connection or
  /// three side by side (MAIL_CONNECTIONS, two messages each before reconnecting), on each
  /// store.
  @Test(arguments: StoreKind.available, [1, 3])
  func mailFlush(store: StoreKind, connections: Int) throws {
    let server = try SMTPTestServer()
    // Registrations queue their mail (nothing listens on port 1); the flushes go to the server.
    let place = try Place(store, ["MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "1"])
    let live = [
      "MAIL_PORT": String(server.port), "MAIL_CONNECTIONS": String(connections),
      "MAIL_MAX_EMAILS": connections == 1 ? "100" : "2",
    ]
    var tally = Tally(
      store: store, name: "mail flush (8 queued per trial, SMTP, \(connections) connection(s))")
    func queue(_ tag: String) throws {
      for r in 0..<8 { try place.ok(["register", "\(tag)-\(r)@example.com"]) }
    }
    func receivedIDs() throws -> [String] {
      try server.received().compactMap { $0.header("Message-ID") }
    }
    try queue("base")
    let typical = try place.timed(["mail", "flush", "--all"], env: live)
    for i in 0..<Self.perOperation {
      try queue("flush\(i)")
      try place.trial(["mail", "flush", "--all"], typical: typical, env: live, &tally)
      let sent = try place.texts("SELECT message_id FROM outbox WHERE status = 'sent'").map {
        "<" + $0 + ">"
      }
      let received = Set(try receivedIDs())
      for id in sent where !received.contains(id) {
        Issue.record("marked sent but never received: \(id)")
      }
      #expect(try place.count("SELECT count(*) FROM outbox WHERE status = 'failed'") == 0)
    }
    try place.ok(["mail", "flush", "--all"], env: live)
    #expect(try place.count("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0)
    let ids = try place.texts("SELECT message_id FROM outbox").map { "<" + $0 + ">" }
    let received = try receivedIDs()
    let set = Set(received)
    for id in ids where !set.contains(id) { Issue.record("committed mail \(id) never delivered") }
    #expect(set.isSubset(of: Set(ids)))
    tally.duplicates = received.count - set.count
    print(tally)
  }
}

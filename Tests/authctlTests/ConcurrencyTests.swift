import AuthKit
import Foundation
import TestSupport
import Testing

/// Many authctl processes against one database at once (issue 8, concurrency; issue 13: on
/// SQLite and on PostgreSQL, each process with its own connection): the same address
/// registered by 16 processes, 96 addresses 16 at a time, a purge racing confirms, and a lock
/// held past the timeout. The launch orders are shuffled by a printed seed (`TestSeed`;
/// `AUTHCTL_TEST_SEED` replays an order, not the scheduler's interleaving). No test sleeps: a
/// purge's age is made by moving stored times, and the lock holder says through a FIFO when it
/// holds the lock.
@Suite(.tags(.slow)) struct ConcurrencyTests {
  /// One migrated database and the folder its commands run in.
  struct Race {
    let store: StoreKind
    let dir: TempDir
    let db: String
    let mbox: String

    init(_ store: StoreKind) throws {
      self.store = store
      let database = try TestDatabase(store, name: "race")
      dir = database.dir
      db = database.location
      mbox = database.mbox
      let r = try authctl(["--db", db, "-q", "migrate"], directory: dir.url)
      #expect(r.status == 0, "\(r.stderr)")
    }

    /// Starts every command of `batch` at once, then waits for all.
    func together(_ batch: [[String]]) throws -> [SpawnedProcess] {
      let started = try batch.map {
        try SpawnedProcess(["--db", db, "-q"] + $0, directory: dir.url, scratch: dir)
      }
      for p in started { p.wait() }
      return started
    }
  }

  @Test(arguments: StoreKind.available)
  func sixteenRegisterOneAddress(store: StoreKind) throws {
    let race = try Race(store)
    let (db, together) = (race.db, race.together)
    let procs = try together(Array(repeating: ["register", "same@example.com"], count: 16))
    let statuses = procs.map(\.status)
    print(
      "ConcurrencyTests[\(store)]: 16 racing registers of one address → statuses \(statuses.sorted())"
    )
    #expect(statuses.filter { $0 == 0 }.count == 1, "exactly one creates it")
    #expect(statuses.filter { $0 == 65 }.count == 15, "the rest are told it exists")
    for p in procs where p.status != 0 && p.status != 65 {
      Issue.record("unexpected status \(p.status): \(p.stderr)")
    }
    #expect(try scalar(db, "SELECT count(*) FROM users") == 1)
    #expect(try integrityCheck(db) == "ok")
    // Each of the 16 queued its confirmation (the 15 later ones replace the first's token) and
    // every one was delivered.
    let queued = try scalar(db, "SELECT count(*) FROM outbox WHERE status = 'queued'")
    #expect(queued == 0)
    let mails = try MboxMessage.read(race.mbox)
    #expect(mails.count == 16 && mails.allSatisfy { $0.to == "same@example.com" })
  }

  @Test(arguments: StoreKind.available)
  func ninetySixAddressesSixteenAtATime(store: StoreKind) throws {
    let race = try Race(store)
    let (db, together) = (race.db, race.together)
    var random = TestSeed("ConcurrencyTests.ninetySixAddressesSixteenAtATime")
    let emails = (0..<96).map { "user\($0)@example.com" }.shuffled(using: &random)
    var statuses: [Int32] = []
    for start in stride(from: 0, to: emails.count, by: 16) {
      let procs = try together(emails[start..<start + 16].map { ["register", $0] })
      for p in procs where p.status != 0 { Issue.record("register: \(p.status) \(p.stderr)") }
      statuses += procs.map(\.status)
    }
    print(
      "ConcurrencyTests[\(store)]: 96 registers in 6 waves of 16 → \(statuses.filter { $0 == 0 }.count) exit 0"
    )
    #expect(try scalar(db, "SELECT count(*) FROM users") == 96)
    #expect(try scalar(db, "SELECT count(DISTINCT email) FROM users") == 96)
    #expect(try scalar(db, "SELECT count(*) FROM outbox WHERE status = 'sent'") == 96)
    let mails = try MboxMessage.read(race.mbox)
    #expect(mails.count == 96, "one mail each in the mailbox")
    #expect(Set(mails.map(\.to)) == Set(emails))
    #expect(Set(mails.map(\.messageID)).count == 96)
    #expect(try integrityCheck(db) == "ok")
  }

  /// Issue 6's race: a purge of unconfirmed accounts while 20 processes confirm them never
  /// removes an account whose confirm exited 0. Four rounds, the purge started first, among,
  /// or after the confirms.
  @Test(arguments: StoreKind.available)
  func purgeAgainstTwentyConfirms(store: StoreKind) throws {
    let race = try Race(store)
    let (db, dir, together) = (race.db, race.dir, race.together)
    var random = TestSeed("ConcurrencyTests.purgeAgainstTwentyConfirms")
    var confirmed = 0
    var purged = 0
    var statuses: [Int32: Int] = [:]
    for round in 0..<4 {
      let emails = (0..<20).map { "r\(round)-\($0)@example.com" }
      for email in emails {
        #expect(try authctl(["--db", db, "-q", "register", email], directory: dir.url).status == 0)
      }
      let mails = try MboxMessage.read(race.mbox)
      let tokens = emails.map { e in mails.last { $0.to == e }?.token ?? "missing" }
      // Old enough for --older-than 1s: the stored creation time moved 2 s back.
      try DatabaseProbe(db).run(
        "UPDATE users SET created_at = ?1 WHERE email LIKE ?2",
        [.text(Timestamp.format(Clock.system.now() - .seconds(2))), .text("r\(round)-%")])
      let purge = ["users", "purge", "--unconfirmed", "--older-than", "1s"]
      var batch = tokens.map { ["confirm", $0] }.shuffled(using: &random)
      batch.insert(purge, at: [0, 7, 14, 20][round])
      let procs = try together(batch)
      for (args, p) in zip(batch, procs) where args[0] == "confirm" {
        statuses[p.status, default: 0] += 1
        let email = emails[tokens.firstIndex(of: args[1]) ?? 0]
        let active = try scalar(
          db, "SELECT count(*) FROM users WHERE email = ?1 AND activated_at IS NOT NULL",
          [.text(email)])
        let present = try scalar(db, "SELECT count(*) FROM users WHERE email = ?1", [.text(email)])
        if p.status == 0 {
          confirmed += 1
          #expect(
            active == 1,
            "\(email): confirm exited 0 but the account is \(present == 0 ? "gone" : "unconfirmed")"
          )
        } else {
          #expect(
            present == 0,
            "\(email): confirm exited \(p.status) (\(p.stderr)) yet the account is there")
          #expect([67, 77].contains(p.status), "\(email): \(p.status) \(p.stderr)")
        }
      }
      let purgeProc = procs[batch.firstIndex(of: purge) ?? 0]
      #expect(purgeProc.status == 0, "\(purgeProc.stderr)")
      purged +=
        emails.count
        - Int(
          try scalar(db, "SELECT count(*) FROM users WHERE email LIKE ?1", [.text("r\(round)-%")]))
    }
    let shown = statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(
      separator: " ")
    print(
      "ConcurrencyTests[\(store)]: purge against 20 confirms, 4 rounds: 80 accounts, \(confirmed) confirmed and kept, \(purged) purged (confirm statuses \(shown))"
    )
    #expect(confirmed + purged == 80)
    #expect(try integrityCheck(db) == "ok")
  }

  @Test(arguments: StoreKind.available)
  func busyPastTimeoutIsExit75AndChangesNothing(store: StoreKind) throws {
    let race = try Race(store)
    let (db, dir) = (race.db, race.dir)
    #expect(
      try authctl(["--db", db, "-q", "register", "before@example.com"], directory: dir.url).status
        == 0)
    let users = try scalar(db, "SELECT count(*) FROM users")
    let outbox = try scalar(db, "SELECT count(*) FROM outbox")
    let audit = try scalar(db, "SELECT count(*) FROM audit")
    // Another process holds the write lock until it is killed (busy_timeout is 5 s; on
    // PostgreSQL an exclusive lock on users, lock_timeout 5 s, its backend checking every
    // 100 ms that its client is still there). It says so through a FIFO: opening it for
    // reading blocks until the holder opens it to write.
    let fifo = dir.file("locked")
    #expect(mkfifo(fifo, 0o600) == 0)
    let holder: SpawnedProcess
    if store == .postgres {
      holder = try SpawnedProcess(
        ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db],
        executable: try StoreKind.server().binDirectory + "/psql",
        stdin: """
          SET client_connection_check_interval = 100;
          BEGIN;
          LOCK TABLE users IN ACCESS EXCLUSIVE MODE;
          INSERT INTO settings VALUES ('lock-holder', 'x', 'now');
          \\! sh -c 'printf locked > \(fifo)'
          SELECT pg_sleep(3600);

          """, scratch: dir)
    } else {
      holder = try SpawnedProcess(
        (pythonPath == "/usr/bin/env" ? ["python3"] : []) + [
          "-c",
          """
          import signal, sqlite3, sys
          c = sqlite3.connect(sys.argv[1], isolation_level=None)
          c.execute('BEGIN IMMEDIATE')
          c.execute("INSERT INTO settings VALUES ('lock-holder', 'x', 'now')")
          with open(sys.argv[2], 'w') as f:
              f.write('locked')
          while True:
              signal.pause()
          """, db, fifo,
        ], executable: pythonPath, scratch: dir)
    }
    defer {
      holder.kill()
      holder.wait()
    }
    #expect(try readFIFO(fifo) == "locked", "the lock holder started")
    let started = Date()
    let r = try authctl(["--db", db, "register", "during@example.com"], directory: dir.url)
    let waited = Date().timeIntervalSince(started)
    print(
      "ConcurrencyTests[\(store)]: register against a held write lock → \(r.status) after \(String(format: "%.1f", waited)) s"
    )
    #expect(r.status == 75, "\(r.stderr)")
    #expect(r.stderr.contains("authctl: database busy, retry"), "\(r.stderr)")
    #expect(waited >= 4.5, "it waited busy_timeout first")
    // Killed, the holder's transaction is rolled back and the lock released.
    holder.kill()
    holder.wait()
    #expect(try scalar(db, "SELECT count(*) FROM users") == users)
    #expect(try scalar(db, "SELECT count(*) FROM outbox") == outbox)
    #expect(try scalar(db, "SELECT count(*) FROM audit") == audit)
    #expect(try scalar(db, "SELECT count(*) FROM settings WHERE key = 'lock-holder'") == 0)
    #expect(try integrityCheck(db) == "ok")
    // Once the lock is gone the same command works.
    #expect(
      try authctl(["--db", db, "-q", "register", "during@example.com"], directory: dir.url).status
        == 0)
  }
}

/// Everything written to the FIFO at `path` until its writer closes it: opening it blocks until
/// a writer opens it, reading until it closes.
func readFIFO(_ path: String) throws -> String {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else { throw TestSupportError("open \(path): errno \(errno)") }
  defer { close(fd) }
  var bytes: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 256)
  while true {
    let n = read(fd, &buffer, buffer.count)
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { break }
    bytes += buffer[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

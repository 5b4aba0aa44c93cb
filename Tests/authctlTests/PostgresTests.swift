import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What only the PostgreSQL store has (issue 13): choosing it, libpq's TLS and password
/// sources, server errors as exit statuses, the original app's table adopted, migrations
/// racing, several hosts flushing one queue, the server restarted mid-command, and `db copy`
/// both ways. Skipped with a message where no PostgreSQL can run; failed under `CI=true`.
@Suite(.serialized) struct PostgresTests {
  static var runs: Bool { StoreKind.available.contains(.postgres) }

  /// A fresh database on the shared server, its URL, and a folder to run in.
  struct Database {
    let server: PostgresServer
    let name: String
    let url: String
    let dir: TempDir

    init() throws {
      server = try StoreKind.server()
      name = try server.newDatabase("pg")
      url = server.url(name)
      dir = try TempDir("authctl-pg-test")
    }

    @discardableResult
    func run(
      _ args: [String], env: [String: String] = [:], stdin: String? = nil,
      expect status: Int32? = 0, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
      var environment = ["AUTHCTL_DB": url]
      environment.merge(env) { $1 }
      let r = try authctl(args, environment: environment, stdin: stdin, directory: dir.url)
      if let status {
        #expect(
          r.status == status, "\(args): \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
      }
      return r
    }

    var probe: DatabaseProbe { DatabaseProbe(url) }

    func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
      try probe.integer(sql, values)
    }
  }

  // MARK: Choosing the store, connecting

  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func everyFormOfTheLocationWorks() throws {
    let db = try Database()
    try db.run(["-q", "migrate"])
    let keywords =
      "postgres:host=\(db.server.directory) port=\(db.server.port) user=postgres dbname=\(db.name)"
    let tcp = db.server.tcpURL(db.name).replacingOccurrences(
      of: "postgresql://", with: "postgres://")
    for location in [db.url, keywords, tcp] {
      let r = try authctl(["--db", location, "users", "list"], directory: db.dir.url)
      #expect(r.status == 0, "\(location): \(r.stderr)")
    }
  }

  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func serverErrorsAreExitStatuses() throws {
    let db = try Database()
    let server = db.server
    let unknown = try authctl(["--db", server.url("no_such_db"), "users", "list"])
    #expect(unknown.status == 66, "unknown database: \(unknown.stderr)")
    #expect(unknown.stderr.contains("does not exist"))
    let closed = try closedPort()
    let refused = try authctl([
      "--db", "postgresql://postgres@127.0.0.1:\(closed)/x", "users", "list",
    ])
    #expect(refused.status == 75, "refused: \(refused.stderr)")
    #expect(refused.stderr.contains("retry"))
    let role = try authctl(["--db", server.tcpURL(db.name, user: "nobody_here"), "users", "list"])
    #expect(role.status == 77, "unknown role: \(role.stderr)")
    let behind = try authctl(["--db", db.url, "users", "list"])
    #expect(behind.status == 78, "not migrated: \(behind.stderr)")
    #expect(behind.stderr.contains("run authctl migrate"))
  }

  /// A server that says it is 9.6 (a few lines of Python speaking the protocol's start:
  /// refusing TLS, then AuthenticationOk, server_version, ReadyForQuery) → 78.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func serverTooOldIsExit78() throws {
    let dir = try TempDir("authctl-pg-old")
    // The fake says its port through a FIFO (no polling).
    let portFile = dir.file("port")
    #expect(mkfifo(portFile, 0o600) == 0)
    let fake = try SpawnedProcess(
      (pythonPath == "/usr/bin/env" ? ["python3"] : []) + [
        "-c",
        #"""
        import socket, struct, sys
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
        open(sys.argv[1], "w").write(str(s.getsockname()[1]))
        c, _ = s.accept()
        def packet():
            n = struct.unpack("!i", c.recv(4))[0]
            return c.recv(n - 4)
        body = packet()
        if struct.unpack("!i", body[:4])[0] in (80877103, 80877104):  # SSL or GSS request
            c.sendall(b"N"); body = packet()
        def msg(t, payload): return t + struct.pack("!i", len(payload) + 4) + payload
        c.sendall(msg(b"R", struct.pack("!i", 0))
                  + msg(b"S", b"server_version\x009.6.24\x00")
                  + msg(b"S", b"client_encoding\x00UTF8\x00")
                  + msg(b"K", struct.pack("!ii", 1, 2))
                  + msg(b"Z", b"I"))
        c.recv(1024)
        """#, portFile,
      ], executable: pythonPath, scratch: dir)
    defer {
      fake.kill()
      fake.wait()
    }
    let port = try readFIFO(portFile)
    let r = try authctl(
      ["--db", "postgresql://postgres@127.0.0.1:\(port)/x?sslmode=disable", "users", "list"])
    #expect(r.status == 78, "\(r.stderr)")
    #expect(r.stderr.contains("9.") && r.stderr.contains("12.0 or newer"), "\(r.stderr)")
  }

  /// `sslmode=verify-full` with `sslrootcert`: the server's certificate is checked against the
  /// test CA and the host name; another root is refused (77) before anything is sent.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func tlsVerifyFull() throws {
    let db = try Database()
    let certs = TestCertificates.shared
    let good = db.server.tcpURL(db.name, "sslmode=verify-full&sslrootcert=\(certs.caPath)")
    let r = try authctl(["--db", good, "-q", "migrate"], directory: db.dir.url)
    #expect(r.status == 0, "\(r.stderr)")
    let wrongRoot = db.server.tcpURL(
      db.name, "sslmode=verify-full&sslrootcert=\(certs.selfSigned.certificatePath)")
    let refused = try authctl(["--db", wrongRoot, "users", "list"], directory: db.dir.url)
    #expect(refused.status == 77, "\(refused.stderr)")
    #expect(refused.stderr.contains("certificate"), "\(refused.stderr)")
  }

  /// Passwords come from libpq's own sources; one in `--db` is refused, one in `AUTHCTL_DB`
  /// is used and never shown.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func passwordsFromLibpqSources() throws {
    let db = try Database()
    let server = db.server
    try db.run(["-q", "migrate"])
    let url = server.tcpURL(db.name, user: server.passwordUser)
    let none = try authctl(["--db", url, "users", "list"], directory: db.dir.url)
    #expect(none.status == 77, "no password: \(none.stderr)")
    let passfile = db.dir.file("pgpass")
    try Data("localhost:\(server.port):*:\(server.passwordUser):\(server.password)\n".utf8)
      .write(to: URL(fileURLWithPath: passfile))
    chmod(passfile, 0o600)
    let viaFile = try authctl(
      ["--db", url, "users", "list"], environment: ["PGPASSFILE": passfile],
      directory: db.dir.url)
    #expect(viaFile.status == 0, "PGPASSFILE: \(viaFile.stderr)")
    let wrong = try authctl(
      ["--db", url, "users", "list"], environment: ["PGPASSWORD": "wrong"], directory: db.dir.url)
    #expect(wrong.status == 77, "wrong password: \(wrong.stderr)")
    #expect(!wrong.allOutput.contains("wrong"))
    let withPassword = server.tcpURL(db.name, user: "\(server.passwordUser):\(server.password)")
    let argv = try authctl(["--db", withPassword, "users", "list"], directory: db.dir.url)
    #expect(argv.status == 78, "a password on argv: \(argv.stderr)")
    #expect(!argv.allOutput.contains(server.password))
    let env = ["AUTHCTL_DB": withPassword]
    let fromEnv = try authctl(["users", "list"], environment: env, directory: db.dir.url)
    #expect(fromEnv.status == 0, "\(fromEnv.stderr)")
    let config = try authctl(["config"], environment: env, directory: db.dir.url)
    #expect(config.status == 0, "\(config.stderr)")
    #expect(config.stdout.contains("\(server.passwordUser):****@localhost"), "\(config.stdout)")
    #expect(!config.allOutput.contains(server.password))
  }

  // MARK: Schema

  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func adoptsTheOriginalAppsTable() throws {
    let db = try Database()
    let hash = try python(
      "import bcrypt; print(bcrypt.hashpw(b'original app password', bcrypt.gensalt(4)).decode())"
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try #require(hash.hasPrefix("$2b$04$"))
    // SQLAlchemy's DDL of the original model on PostgreSQL, and two of its rows.
    let made = try db.server.psql(
      db.name,
      """
      CREATE TABLE users (id VARCHAR(128) NOT NULL, email VARCHAR(128), password VARCHAR(512),
        activated_at VARCHAR(128), PRIMARY KEY (id));
      INSERT INTO users VALUES ('5e2f7a4c-0000-4000-8000-000000000001', 'ann@example.com',
        '\(hash)', '2021-06-10T12:34:56.123456');
      INSERT INTO users VALUES ('5e2f7a4c-0000-4000-8000-000000000002', 'bob@example.com',
        '\(hash)', NULL);
      """)
    try #require(made.status == 0, "\(made.allOutput)")
    try db.run(["users", "list"], expect: 78)
    try db.run(["-q", "migrate"])
    #expect(try db.count("SELECT count(*) FROM users WHERE created_at IS NOT NULL") == 2)
    #expect(
      try db.probe.value("SELECT activated_at FROM users WHERE email = 'ann@example.com'")
        == "2021-06-10T12:34:56.123456")
    let list = try db.run(["users", "list", "--format", "jsonl"])
    #expect(list.stdout.contains("\"email\":\"ann@example.com\",\"status\":\"active\""))
    #expect(list.stdout.contains("\"email\":\"bob@example.com\",\"status\":\"unconfirmed\""))
    try db.run(
      ["login", "ann@example.com", "--password-stdin", "--session-file", db.dir.file("s")],
      stdin: "original app password\n")
    // Emails are unique without case, as on SQLite: the index refuses a second Ann.
    let clash = try db.server.psql(
      db.name, "INSERT INTO users (id, email) VALUES ('x', 'ANN@example.com')")
    #expect(clash.status != 0 && clash.allOutput.contains("users_email"), "\(clash.allOutput)")
  }

  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func caseClashRefusedWithoutChange() throws {
    let db = try Database()
    try db.server.psql(
      db.name,
      """
      CREATE TABLE users (id VARCHAR(128) NOT NULL, email VARCHAR(128), password VARCHAR(512),
        activated_at VARCHAR(128), PRIMARY KEY (id));
      INSERT INTO users VALUES ('1', 'Ann@x.org', NULL, NULL), ('2', 'ann@x.org', NULL, NULL);
      """)
    let r = try db.run(["migrate"], expect: 65)
    #expect(r.stderr.contains("ann@x.org"))
    #expect(
      try db.count(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'") == 4,
      "nothing changed: the migration is one transaction")
    #expect(
      try db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'schema_migrations'") == 0)
  }

  /// Four hosts migrating one empty database at once: the advisory lock makes them take turns;
  /// the versions are applied once.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func migrationsRacingApplyOnce() throws {
    let db = try Database()
    let procs = try (0..<4).map { _ in
      try SpawnedProcess(["--db", db.url, "migrate"], directory: db.dir.url, scratch: db.dir)
    }
    for p in procs { p.wait() }
    for p in procs { #expect(p.status == 0, "\(p.stderr)") }
    let applied = procs.map { $0.stdout.split(separator: "\n").count }
    #expect(applied.sorted() == [0, 0, 0, Schema.latestVersion], "\(applied)")
    #expect(try db.count("SELECT count(*) FROM schema_migrations") == Int64(Schema.latestVersion))
    #expect(try db.count("SELECT count(*) FROM settings") == 1, "one generated secret")
    let status = try db.run(["migrate", "--status"]).stdout
    let sqlite = try TempDir()
    try authctl(["--db", sqlite.file("s.sqlite"), "-q", "migrate"])
    let sqliteStatus = try authctl(["--db", sqlite.file("s.sqlite"), "migrate", "--status"]).stdout
    func names(_ s: String) -> [String] {
      s.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        .map { $0.dropLast().joined(separator: " ") }
    }
    #expect(names(status) == names(sqliteStatus), "the same versions on both stores")
  }

  // MARK: Several hosts

  /// Queues `count` due messages straight into the outbox.
  func queue(_ db: Database, _ count: Int, tag: String) throws {
    let r = try db.server.psql(
      db.name,
      """
      INSERT INTO outbox (kind, recipient, recipient_key, subject, body, message_id, created_at,
        next_attempt_at)
      SELECT 'test', '\(tag)' || g || '@example.com', '\(tag)' || g || '@example.com',
        'Message ' || g, 'Body of message ' || g, '\(tag)' || g || '.q@example.com',
        '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
      FROM generate_series(1, \(count)) AS g
      """)
    try #require(r.status == 0, "\(r.allOutput)")
  }

  /// A multi-host simulation: four processes, each with its own connection, flush one queue
  /// of 1,000 messages to the aiosmtpd sink at once. Every message arrives exactly once.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func fourFlushersDeliverEachMessageOnce() throws {
    let db = try Database()
    try db.run(["-q", "migrate"])
    try queue(db, 1000, tag: "four")
    let smtp = try SMTPTestServer()
    let env = [
      "AUTHCTL_DB": db.url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": String(smtp.port),
      "MAIL_DEFAULT_SENDER": "accounts@example.com",
    ]
    let procs = try (0..<4).map { _ in
      try SpawnedProcess(
        ["mail", "flush"], environment: env, directory: db.dir.url, scratch: db.dir)
    }
    for p in procs { p.wait() }
    for p in procs { #expect(p.status == 0, "\(p.stderr)") }
    let shares = procs.map {
      $0.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
    }
    let counts = try messageIDCounts(smtp)
    let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
    print(
      "PostgresTests: 4 flushers, 1000 messages → delivered \(counts.count) distinct, \(duplicates) duplicates; each flusher delivered \(shares.joined(separator: "/"))"
    )
    #expect(counts.count == 1000)
    #expect(duplicates == 0)
    #expect(try db.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1000)
  }

  /// The same with two of the four killed at random moments (SIGKILL from `timeout(1)` after
  /// 0.2–2 s of a run of about 4 s): every message arrives at least once; a duplicate only
  /// where a kill came between the server's 250 and the bookkeeping. aiosmtpd offers
  /// PIPELINING, and a message is marked while the next one's content is on its way, so a kill
  /// there leaves two accepted and unmarked: never more than two duplicates per kill.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func fourFlushersWithKills() throws {
    let db = try Database()
    try db.run(["-q", "migrate"])
    try queue(db, 1000, tag: "kill")
    let smtp = try SMTPTestServer()
    let env = [
      "AUTHCTL_DB": db.url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": String(smtp.port),
      "MAIL_DEFAULT_SENDER": "accounts@example.com",
    ]
    var random = TestSeed("PostgresTests.fourFlushersWithKills")
    let procs = try (0..<4).map { n in
      let kill =
        n < 2
        ? ["-s", "KILL", String(format: "%.3f", Double.random(in: 0.2...2, using: &random))]
        : ["3600"]
      return try SpawnedProcess(
        kill + [authctlPath, "mail", "flush"], executable: "/usr/bin/timeout", environment: env,
        directory: db.dir.url, scratch: db.dir)
    }
    var killed = 0
    for p in procs where p.wait() || p.status == 128 + SIGKILL { killed += 1 }
    // Whatever the killed ones held is free at once (their locks died with them).
    try authctl(["-q", "mail", "flush", "--all"], environment: env, directory: db.dir.url)
    let counts = try messageIDCounts(smtp)
    let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
    print(
      "PostgresTests: 4 flushers of 1000 messages, \(killed) killed → delivered \(counts.count) distinct, \(duplicates) duplicates"
    )
    #expect(counts.count == 1000, "every message delivered")
    #expect(duplicates <= 2 * killed, "\(duplicates) duplicates for \(killed) kills")
    #expect(try db.count("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0)
  }

  // MARK: Restarts

  /// `pg_ctl restart` while an import (one transaction) runs: the command exits 75 and the
  /// import left nothing; run again, it imports every row. Own server: a restart would cut
  /// the other tests' sessions.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func serverRestartMidCommandIs75AndNothingHalfDone() throws {
    let server = try PostgresServer.start()
    defer { server.stop() }
    let name = try server.newDatabase("restart")
    let url = server.url(name)
    let dir = try TempDir("authctl-pg-restart")
    let probe = DatabaseProbe(url)
    #expect(try authctl(["--db", url, "-q", "migrate"], directory: dir.url).status == 0)
    var statuses: [Int32] = []
    for trial in 0..<3 {
      let rows = 20_000
      var text = "email,password_hash,activated_at,created_at\n"
      for r in 0..<rows { text += "t\(trial)-\(r)@example.com,,2024-01-02T03:04:05Z,\n" }
      let file = dir.file("t\(trial).csv")
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      let p = try SpawnedProcess(
        ["--db", url, "-q", "users", "import", file], directory: dir.url, scratch: dir)
      // Restart once the import's transaction is open on the server.
      let deadline = Date().addingTimeInterval(30)
      while Date() < deadline {
        let open = try? server.psql(
          "postgres",
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'authctl' AND state <> 'idle'"
        )
        // Each query takes a few milliseconds: the loop needs no pause.
        if open?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { break }
      }
      let restarted = try server.restart()
      #expect(restarted.status == 0, "\(restarted.allOutput)")
      p.wait()
      statuses.append(p.status)
      #expect(p.status == 75, "import during a restart: \(p.status) \(p.stderr)")
      let n = try probe.integer(
        "SELECT count(*) FROM users WHERE email LIKE ?1", [.text("t\(trial)-%")])
      #expect(n == 0, "trial \(trial): \(n) rows of a cut import")
      let again = try authctl(["--db", url, "-q", "users", "import", file], directory: dir.url)
      #expect(again.status == 0, "\(again.stderr)")
      #expect(
        try probe.integer("SELECT count(*) FROM users WHERE email LIKE ?1", [.text("t\(trial)-%")])
          == Int64(rows))
    }
    print("PostgresTests: 3 server restarts mid-import → statuses \(statuses), nothing half-done")
    #expect(try probe.integrity() == "ok")
  }

  // MARK: db copy

  /// 100,000 accounts (bcrypt cost 4, 100 distinct passwords), sessions, codes, mail and the
  /// generated secret: SQLite → PostgreSQL → SQLite. Every table arrives identical (the
  /// command checks counts and checksums; the test compares the rows), and logins work on
  /// each store.
  @Test(.enabled(if: runs, "no PostgreSQL here"))
  func dbCopyRoundTrips100000Accounts() throws {
    let db = try Database()
    let dir = db.dir
    let first = dir.file("first.sqlite")
    let back = dir.file("back.sqlite")
    let hashes = try python(
      """
      import bcrypt
      for i in range(100): print(bcrypt.hashpw(b"password number %d" % i, bcrypt.gensalt(4)).decode())
      """
    ).stdout.split(separator: "\n").map(String.init)
    try #require(hashes.count == 100)
    var csv = "email,password_hash,activated_at,created_at\n"
    csv.reserveCapacity(100_000 * 110)
    for i in 0..<100_000 {
      csv += "u\(i)@example.com,\(hashes[i % 100]),2024-01-02T03:04:05Z,2024-01-01T00:00:00Z\n"
    }
    let file = dir.file("users.csv")
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    #expect(
      try authctl(["--db", first, "-q", "users", "import", file], directory: dir.url).status == 0)
    // A session, a code, queued and sent mail, audit events.
    #expect(
      try authctl(
        [
          "--db", first, "-q", "login", "u7@example.com", "--password-stdin", "--session-file",
          dir.file("s0"),
        ], stdin: "password number 7\n", directory: dir.url
      ).status == 0)
    #expect(
      try authctl(["--db", first, "-q", "recover", "u8@example.com"], directory: dir.url).status
        == 0)

    let there = try authctl(["db", "copy", "--from", first, "--to", db.url], directory: dir.url)
    #expect(there.status == 0, "\(there.stderr)")
    let home = try authctl(["db", "copy", "--from", db.url, "--to", back], directory: dir.url)
    #expect(home.status == 0, "\(home.stderr)")
    #expect(there.stdout == home.stdout, "the same counts and checksums both ways")
    #expect(there.stdout.contains("users  100000 rows"), "\(there.stdout)")
    for table in StoreTable.allCases {
      let order: String
      switch table {
      case .settings: order = "key"
      case .users, .sessions: order = "rowid"
      case .telegramLinks: order = "user_id"
      case .telegramNonces: order = "selector"
      default: order = "id"
      }
      let a = try DatabaseProbe(first).rows("SELECT * FROM \(table.rawValue) ORDER BY \(order)")
      let b = try DatabaseProbe(back).rows("SELECT * FROM \(table.rawValue) ORDER BY \(order)")
      #expect(a == b, "\(table.rawValue) identical after the round trip")
    }
    for (n, store) in [db.url, back].enumerated() {
      for i in [0, 7, 99, 12_345, 99_999] {
        let r = try authctl(
          [
            "--db", store, "-q", "login", "u\(i)@example.com", "--password-stdin", "--session-file",
            dir.file("s-\(n)-\(i)"),
          ], stdin: "password number \(i % 100)\n", directory: dir.url)
        #expect(r.status == 0, "login u\(i) on \(store): \(r.stderr)")
      }
      // The copied session still answers.
      let who = try authctl(
        ["--db", store, "whoami", "--session-file", dir.file("s0")], directory: dir.url)
      #expect(who.stdout == "u7@example.com\n", "\(who.stderr)")
    }
    // Into a database that holds rows: 73, nothing changed.
    let full = try authctl(["db", "copy", "--from", first, "--to", db.url], directory: dir.url)
    #expect(full.status == 73, "\(full.stderr)")
    #expect(try db.count("SELECT count(*) FROM users") == 100_000)
  }
}

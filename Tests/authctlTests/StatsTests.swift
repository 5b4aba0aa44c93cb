import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl stats` (issue 17): the numbers, as a table, JSON and the Prometheus text format
/// (every metric with HELP and TYPE; `promtool check metrics` passes), and `--output` written
/// atomically.
@Suite struct StatsTests {
  let dir: TempDir
  let db: String

  init() throws {
    dir = try TempDir()
    db = dir.file("stats.sqlite")
    #expect(try authctl(["--db", db, "-q", "migrate"]).status == 0)
  }

  func ago(_ seconds: Int64) -> String {
    Timestamp.format(Int64(Date().timeIntervalSince1970) - seconds)
  }

  /// A migrated database of `kind`: this suite's SQLite file, or a new PostgreSQL database.
  func database(_ kind: StoreKind) throws -> String {
    guard kind == .postgres else { return db }
    let t = try TestDatabase(.postgres, dir: dir)
    #expect(try authctl(["--db", t.location, "-q", "migrate"]).status == 0)
    return t.location
  }

  @discardableResult
  func cli(_ args: [String], on location: String? = nil) throws -> RunResult {
    let r = try authctl(["--db", location ?? db] + args, directory: dir.url)
    #expect(r.status == 0, "\(args): \(r.stderr)")
    return r
  }

  /// Eight accounts, one of each kind that counts differently; audit events in and out of the
  /// windows; a due, a deferred and a failed message.
  func populate(_ location: String? = nil) throws {
    let location = location ?? db
    let names = [
      "active1", "active2", "locked", "disabled", "disabledunconfirmed", "lockedunconfirmed",
      "oldunconfirmed", "newunconfirmed", "expired", "expiredunconfirmed", "notyetvalid",
      "mustreset",
    ]
    for n in names { try cli(["-q", "register", "\(n)@example.com"], on: location) }
    for n in ["active1", "active2", "locked", "disabled", "expired", "notyetvalid", "mustreset"] {
      try cli(["-q", "users", "confirm", "\(n)@example.com"], on: location)
    }
    for n in ["disabled", "disabledunconfirmed"] {
      try cli(["-q", "users", "disable", "\(n)@example.com"], on: location)
    }
    let c = DatabaseProbe(location)
    try c.run(
      "UPDATE users SET failed_logins = 10, locked_until = ?1 WHERE email LIKE 'locked%'",
      [.text(ago(-600))])
    try c.run(
      "UPDATE users SET created_at = ?1 WHERE email = 'oldunconfirmed@example.com'",
      [.text(ago(10 * 86_400))])
    try c.run(
      "UPDATE users SET expires_at = ?1 WHERE email LIKE 'expired%'", [.text(ago(60))])
    try c.run(
      "UPDATE users SET valid_from = ?1 WHERE email = 'notyetvalid@example.com'",
      [.text(ago(-86_400))])
    try c.run(
      "UPDATE users SET must_reset_at = ?1 WHERE email = 'mustreset@example.com'",
      [.text(ago(60))])
    try c.run("DELETE FROM audit")
    try c.run("DELETE FROM outbox")
    for (event, outcome, age, times) in [
      ("login", "ok", 600, 3), ("login", "failed", 7200, 2), ("lockout", "failed", 1800, 1),
      ("reset", "ok", 90_000, 4), ("register", "ok", 60, 5), ("register", "failed", 3000, 1),
    ] as [(String, String, Int64, Int)] {
      for _ in 0..<times {
        try c.run(
          "INSERT INTO audit (at, event, outcome) VALUES (?1, ?2, ?3)",
          [.text(ago(age)), .text(event), .text(outcome)])
      }
    }
    for (status, created, next) in [
      ("queued", ago(3600), ago(3600)), ("queued", ago(7200), ago(-600)),
      ("failed", ago(9000), ago(9000)), ("sent", ago(100), ago(100)),
    ] {
      try c.run(
        """
        INSERT INTO outbox (kind, recipient, subject, message_id, status, created_at,
          next_attempt_at) VALUES ('notice', 'x@example.com', 's', 'm', ?1, ?2, ?3)
        """, [.text(status), .text(created), .text(next)])
    }
  }

  @Test(arguments: StoreKind.available)
  func numbersAsJSONAndTable(_ kind: StoreKind) throws {
    let db = try database(kind)
    try populate(db)
    let r = try cli(["stats", "--format", "json"], on: db)
    let doc = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] ?? [:]
    let accounts = doc["accounts"] as? [String: Int] ?? [:]
    // Each account once, ranked as `Account.status` ranks it (an unconfirmed account that is
    // disabled, locked or expired counts there).
    #expect(
      accounts == [
        "active": 2, "unconfirmed": 2, "disabled": 2, "locked": 2, "expired": 2,
        "not-yet-valid": 1, "must-reset": 1, "total": 12,
      ], "\(accounts)")
    let listed = try cli(["users", "list", "--format", "csv"], on: db).stdout
    for (status, n) in accounts where status != "total" {
      #expect(
        listed.components(separatedBy: ",\(status),").count - 1 == n,
        "users list agrees on \(status)")
    }
    let due = doc["unconfirmed_past_purge_age"] as? [String: Any] ?? [:]
    #expect(due["count"] as? Int == 1 && due["older_than"] as? String == "1w")
    let hour = (doc["audit"] as? [String: Any])?["1h"] as? [String: Int] ?? [:]
    let day = (doc["audit"] as? [String: Any])?["24h"] as? [String: Int] ?? [:]
    #expect(hour["login_ok"] == 3 && hour["login_failed"] == 0 && hour["lockout_failed"] == 1)
    #expect(hour["register_ok"] == 5 && hour["register_failed"] == 1 && hour["reset_ok"] == 0)
    #expect(day["login_ok"] == 3 && day["login_failed"] == 2 && day["reset_ok"] == 0)
    let outbox = doc["outbox"] as? [String: Any] ?? [:]
    #expect(outbox["due"] as? Int == 1 && outbox["deferred"] as? Int == 1)
    #expect(outbox["failed"] as? Int == 1)
    let oldest = outbox["oldest_waiting_age_seconds"] as? Int ?? 0
    #expect((7200...7300).contains(oldest), "\(oldest)")
    #expect((doc["database_bytes"] as? Int ?? 0) > 0)
    // PostgreSQL's write-ahead log is the cluster's: no figure for one database.
    #expect((doc["wal_bytes"] is NSNull) == (kind == .postgres), "\(doc["wal_bytes"] ?? "none")")
    let older = try cli(["stats", "--format", "json", "--older-than", "30d"], on: db)
    #expect(older.stdout.contains("\"count\": 0"), "a longer purge age counts none")
    let table = try cli(["stats"], on: db).stdout
    #expect(table.contains("accounts active"), "\(table)")
    #expect(
      table.split(separator: "\n").contains {
        $0.hasPrefix("login failed, last 24h") && $0.hasSuffix(" 2")
      })
    let before = try DatabaseProbe(db).integer("SELECT count(*) FROM audit")
    #expect(before == 16, "stats writes nothing, not even an audit event")
  }

  /// The Prometheus text format: a HELP and a TYPE line before each metric's samples, valid
  /// names and labels, and the same numbers as the JSON; `promtool check metrics` accepts it
  /// (when promtool is installed; CI installs it, Debian's `prometheus` package).
  @Test(arguments: StoreKind.available)
  func prometheusTextFormat(_ kind: StoreKind) throws {
    let db = try database(kind)
    try populate(db)
    let text = try cli(["stats", "--format", "prom"], on: db).stdout
    #expect(text.hasSuffix("\n"))
    var described: [String: (help: Bool, type: String?)] = [:]
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n").map(String.init) {
      if let m = line.wholeMatch(of: #/# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)/#) {
        #expect(described[String(m.1)] == nil, "one HELP per metric: \(line)")
        described[String(m.1)] = (true, nil)
      } else if let m = line.wholeMatch(of: #/# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)/#) {
        #expect(described[String(m.1)]?.help == true, "HELP before TYPE: \(line)")
        described[String(m.1)]?.type = String(m.2)
      } else if let m = line.wholeMatch(
        of: #/([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? (-?[0-9.e+]+)/#)
      {
        #expect(described[String(m.1)]?.type != nil, "HELP and TYPE before \(line)")
        samples[String(m.1) + String(m.2 ?? "")] = Double(String(m.4))
      } else {
        Issue.record("not a line of the text format: \(line)")
      }
    }
    #expect(described.count >= (kind == .postgres ? 7 : 8), "\(described.keys.sorted())")
    #expect(samples["authctl_accounts{status=\"locked\"}"] == 2)
    #expect(samples["authctl_accounts{status=\"must-reset\"}"] == 1)
    #expect(samples["authctl_accounts_unconfirmed_past_purge_age"] == 1)
    #expect(
      samples["authctl_audit_events{event=\"login\",outcome=\"failed\",window=\"24h\"}"] == 2)
    #expect(samples["authctl_outbox_messages{state=\"deferred\"}"] == 1)
    #expect((samples["authctl_database_size_bytes"] ?? 0) > 0)
    #expect((samples["authctl_database_wal_size_bytes"] == nil) == (kind == .postgres))

    if let promtool = which("promtool") {
      let file = dir.file("check-\(kind).prom")
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      let r = try run("/bin/sh", ["-c", "\(promtool) check metrics < \(file)"])
      #expect(r.status == 0, "promtool check metrics: \(r.allOutput)")
      print("StatsTests: promtool check metrics passed")
    } else if ProcessInfo.processInfo.environment["CI"] != nil {
      Issue.record("promtool is not installed (Debian package prometheus); CI installs it")
    } else {
      print("StatsTests: promtool check skipped: not installed (apt-get install prometheus)")
    }
  }

  /// `--output FILE`: written through a new file renamed over the old, 0644 for the collector.
  @Test func outputFileIsReplacedAtomically() throws {
    let file = dir.file("authctl.prom")
    FileManager.default.createFile(atPath: file, contents: Data("old\n".utf8))
    #expect(chmod(file, 0o600) == 0)
    let inode = FileOwner(path: file)?.inode
    let r = try cli(["stats", "--format", "prom", "--output", file])
    #expect(r.stdout.isEmpty)
    let written = try String(contentsOfFile: file, encoding: .utf8)
    #expect(written.hasPrefix("# HELP authctl_accounts "), "\(written.prefix(80))")
    #expect(FileOwner(path: file)?.mode == 0o644)
    #expect(FileOwner(path: file)?.inode != inode, "a new file renamed over the old one")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
      .filter { $0.hasPrefix(".authctl.prom") }
    #expect(leftovers.isEmpty, "\(leftovers)")
    let bad = try authctl(["--db", db, "stats", "--output", dir.file("no/such/dir/x.prom")])
    #expect(bad.status == 73, "\(bad.stderr)")
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// `users delete --forget` and `users export --user` (issue 17; GDPR Art. 17 and 15).
@Suite struct ErasureTests {
  let dir: TempDir
  let db: String
  static let secret = "an-erasure-test-secret-of-at-least-32-bytes"
  var env: [String: String] { ["JWT_SECRET": Self.secret] }

  init() throws {
    dir = try TempDir()
    db = dir.file("erase.sqlite")
    #expect(try authctl(["--db", db, "-q", "migrate"], environment: env).status == 0)
  }

  @discardableResult
  func cli(_ args: [String], stdin: String? = nil, status: Int32 = 0, on location: String? = nil)
    throws -> RunResult
  {
    let r = try authctl(
      ["--db", location ?? db] + args, environment: env, stdin: stdin, directory: dir.url)
    #expect(r.status == status, "\(args): \(r.status) \(r.stderr)")
    return r
  }

  /// Ann leaves traces everywhere — audit events of her account and of her address alone, mail
  /// to her with and without her account, her address in a reason and in a server's reply —
  /// then is forgotten: no byte of her address is left in the database's files, and the log
  /// keeps her events under the pseudonym the key gives.
  @Test func forgetLeavesNoAddressAnywhere() throws {
    try cli(["-q", "register", "ann@example.com"])
    try cli(["-q", "register", "bob@example.com"])
    try cli(["-q", "register", "Ann@Example.com"], status: 65)  // resent: a second mail
    try cli(
      ["login", "ANN@example.com", "--password-stdin"], stdin: "wrong-password-1\n", status: 77)
    let c = try Connection(path: db, create: false)
    let id = try c.first("SELECT id FROM users WHERE email = 'ann@example.com'") { $0.text(0) }!
    try c.run(
      """
      INSERT INTO outbox (kind, recipient, subject, message_id, status, last_error, created_at,
        next_attempt_at)
      VALUES ('notice', 'Ann@Example.com', 'hello', 'm1', 'failed',
        '550 <ann@example.com>: no such user', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
      """)
    try c.run(
      """
      INSERT INTO audit (at, event, outcome, reason, detail)
      VALUES ('2026-01-01T00:00:00Z', 'admin.note', 'ok', 'asked about ANN@example.com',
        'ann@example.com, then bob@example.com')
      """)
    let bobEvents = try scalar(db, "SELECT count(*) FROM audit WHERE email = 'bob@example.com'")
    let before = try scalar(db, "SELECT count(*) FROM audit")
    let annEvents = try scalar(
      db, "SELECT count(*) FROM audit WHERE user_id = ?1 OR email = 'ann@example.com'",
      [.text(id)])
    #expect(annEvents >= 3, "register, resend, failed login: \(annEvents)")

    let r = try cli(["users", "delete", "--forget", "--yes", "ann@example.com"])
    let pseudonym = Erasure.pseudonym(
      userID: id,
      key: try KeyRing(jwtSecret: Array(Self.secret.utf8), secretKey: nil).erasureKey)
    #expect(r.stdout.contains("now name \(pseudonym)"), "\(r.stdout)")

    // `sqlite3 .dump | grep`: not a row, index or column holds the address.
    let dump = try run("/usr/bin/sqlite3", [db, ".dump"])
    #expect(dump.status == 0)
    #expect(!dump.stdout.lowercased().contains("ann@example.com"), "the address in .dump")
    #expect(dump.stdout.contains("bob@example.com"), "others stay")
    // Nor the files' bytes: deleted cells zeroed, the WAL checkpointed and emptied.
    for file in [db, db + "-wal"] where FileManager.default.fileExists(atPath: file) {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
      let lower = Data(bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 })
      #expect(lower.range(of: Data("ann@example.com".utf8)) == nil, "the address in \(file)")
    }
    // The events stay, under the pseudonym; one more records the erasure, without the address.
    #expect(try scalar(db, "SELECT count(*) FROM audit") == before + 1)
    #expect(
      try scalar(db, "SELECT count(*) FROM audit WHERE user_id = ?1", [.text(pseudonym)])
        == annEvents + 1)
    #expect(try scalar(db, "SELECT count(*) FROM audit WHERE user_id = ?1", [.text(id)]) == 0)
    #expect(
      try scalar(
        db,
        "SELECT count(*) FROM audit WHERE event = 'admin.forget' AND email IS NULL AND user_id = ?1",
        [.text(pseudonym)]) == 1)
    #expect(try scalar(db, "SELECT count(*) FROM outbox WHERE recipient LIKE 'ann@%'") == 0)
    #expect(
      try scalar(db, "SELECT count(*) FROM audit WHERE email = 'bob@example.com'") == bobEvents)
    #expect(
      try c.first("SELECT detail FROM audit WHERE event = 'admin.note'") { $0.text(0) }
        == "[erased], then bob@example.com")
    #expect(try integrityCheck(db) == "ok")
    try cli(["users", "delete", "--forget", "--yes", "ann@example.com"], status: 67)
    try cli(["users", "show", "bob@example.com"])
  }

  /// An access request: everything about one person in one JSON document, never a hash, a
  /// token, a code or a password.
  @Test(arguments: StoreKind.available)
  func accessExportHasEverythingButSecrets(_ kind: StoreKind) throws {
    let db = try database(kind)
    func cli(_ args: [String], stdin: String? = nil, status: Int32 = 0) throws -> RunResult {
      try self.cli(args, stdin: stdin, status: status, on: db)
    }
    try cli(["-q", "register", "ann@example.com"])
    try cli(["-q", "register", "bob@example.com"])
    let mail = try cli(["mail", "show", "--to", "ann@example.com"]).stdout
    let token = Walk.line("Token", in: mail)!
    let password = Walk.line("Password", in: mail)!
    try cli(["-q", "confirm", "-"], stdin: token + "\n")
    try cli(["-q", "login", "ann@example.com", "--password-stdin"], stdin: password + "\n")
    try cli(
      ["login", "ann@example.com", "--password-stdin"], stdin: "wrong-password-1\n", status: 77)

    let r = try cli(["users", "export", "--user", "Ann@Example.com", "--with-log"])
    let doc = try JSONSerialization.jsonObject(with: r.stdoutData) as? [String: Any] ?? [:]
    let account = doc["account"] as? [String: Any] ?? [:]
    #expect(account["email"] as? String == "ann@example.com")
    #expect(account["status"] as? String == "active")
    #expect(account["has_password"] as? Bool == true)
    let sessions = doc["sessions"] as? [[String: Any]] ?? []
    #expect(sessions.count == 1 && sessions[0]["revoked_at"] is NSNull)
    let mails = doc["mail"] as? [[String: Any]] ?? []
    #expect(mails.count >= 2, "confirmation and activation notice: \(mails.count)")
    #expect(mails.allSatisfy { $0["body"] == nil && $0["to"] as? String == "ann@example.com" })
    let events = doc["audit"] as? [[String: Any]] ?? []
    let kinds = Set(events.compactMap { $0["event"] as? String })
    #expect(kinds.isSuperset(of: ["register", "confirm", "login"]), "\(kinds)")
    #expect(
      events.contains { $0["event"] as? String == "login" && $0["outcome"] as? String == "failed" })
    #expect(!r.stdout.contains("bob@example.com"), "only this person")
    for secret in [token, password, "$2b$", "$2y$"] {
      #expect(!r.stdout.contains(secret), "a secret in the access export: \(secret.prefix(6))…")
    }
    let stamp = try DatabaseProbe(db).value(
      "SELECT stamp FROM users WHERE email = 'ann@example.com'")
    if let stamp { #expect(!r.stdout.contains(stamp), "never the stamp") }

    let noLog = try cli(["users", "export", "--user", "ann@example.com", "--format", "json"])
    #expect(!noLog.stdout.contains("\"audit\""), "the log only with --with-log")
    try cli(["users", "export", "--user", "ann@example.com", "--format", "csv"], status: 64)
    try cli(["users", "export", "--with-log"], status: 64)
    try cli(["users", "export", "--user", "ann@example.com", "--with-password-hashes"], status: 64)
    try cli(["users", "export", "--user", "nobody@example.com"], status: 67)
  }

  /// A migrated database of `kind`: this suite's SQLite file, or a new PostgreSQL database.
  func database(_ kind: StoreKind) throws -> String {
    guard kind == .postgres else { return db }
    let t = try TestDatabase(.postgres, dir: dir)
    #expect(try authctl(["--db", t.location, "-q", "migrate"], environment: env).status == 0)
    return t.location
  }

  /// The erasure on PostgreSQL: no row of any table names the address afterwards (each row
  /// read as text), the events stay under the pseudonym, and the command says what PostgreSQL
  /// may still hold (no secure_delete there: old row versions until their space is reused).
  @Test func forgetOnPostgreSQL() throws {
    guard StoreKind.available.contains(.postgres) else { return }
    let db = try database(.postgres)
    let probe = DatabaseProbe(db)
    try cli(["-q", "register", "ann@example.com"], on: db)
    try cli(["-q", "register", "bob@example.com"], on: db)
    try cli(
      ["login", "ANN@example.com", "--password-stdin"], stdin: "wrong-password-1\n", status: 77,
      on: db)
    let id = try probe.value("SELECT id FROM users WHERE email = 'ann@example.com'")!
    try probe.run(
      """
      INSERT INTO outbox (kind, recipient, subject, message_id, status, last_error, created_at,
        next_attempt_at)
      VALUES ('notice', 'Ann@Example.com', 'hello', 'm1', 'failed',
        '550 <ann@example.com>: no such user', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
      """)
    try probe.run(
      """
      INSERT INTO audit (at, event, outcome, reason, detail)
      VALUES ('2026-01-01T00:00:00Z', 'admin.note', 'ok', 'asked about ANN@example.com',
        'ann@example.com, then bob@example.com')
      """)
    let annEvents = try probe.integer(
      "SELECT count(*) FROM audit WHERE user_id = ?1 OR lower(email) = 'ann@example.com'",
      [.text(id)])
    #expect(annEvents >= 2, "register, failed login: \(annEvents)")
    let r = try cli(["users", "delete", "--forget", "--yes", "ann@example.com"], on: db)
    let pseudonym = Erasure.pseudonym(
      userID: id,
      key: try KeyRing(jwtSecret: Array(Self.secret.utf8), secretKey: nil).erasureKey)
    #expect(r.stdout.contains("now name \(pseudonym)"), "\(r.stdout)")
    #expect(r.stderr.contains("VACUUM"), "what PostgreSQL may still hold: \(r.stderr)")
    for table in ["users", "sessions", "codes", "outbox", "audit", "settings"] {
      let n = try probe.integer(
        "SELECT count(*) FROM \(table) t WHERE strpos(lower(t::text), 'ann@example.com') > 0")
      #expect(n == 0, "the address in \(table)")
    }
    #expect(
      try probe.integer("SELECT count(*) FROM audit WHERE user_id = ?1", [.text(pseudonym)])
        == annEvents + 1)
    #expect(
      try probe.value("SELECT detail FROM audit WHERE event = 'admin.note'")
        == "[erased], then bob@example.com")
    #expect(
      try probe.integer("SELECT count(*) FROM audit WHERE lower(email) = 'bob@example.com'") > 0)
    #expect(try probe.integrity() == "ok")
  }
}

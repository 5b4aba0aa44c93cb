import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16, "the original app's rows", through the binary: rows the Flask app inserts after
/// adoption get a `created_at` (so a purge sees them), undated rows found at migration take
/// its time, a blank `activated_at` is unconfirmed everywhere, authctl writes `activated_at`
/// as Python's `isoformat()` does, `users list` shows times in UTC, and a hash the app stored
/// as a BLOB stays a BLOB when authctl rehashes it, so the app's login keeps working.
@Suite struct OriginalRowsTests {
  static let original = """
    CREATE TABLE users (id VARCHAR(128) NOT NULL, email VARCHAR(128), password VARCHAR(512), \
    activated_at VARCHAR(128), PRIMARY KEY (id))
    """

  let dir: TempDir
  let db: String

  init() throws {
    dir = try TempDir("original")
    db = dir.file("identifier.sqlite")
  }

  @discardableResult
  func run(
    _ args: [String], stdin: String? = nil, expect status: Int32 = 0,
    env: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RunResult {
    var environment = ["AUTHCTL_DB": db, "AUTHCTL_SESSION_FILE": dir.file("s/session")]
    environment.merge(env) { $1 }
    let r = try authctl(args, environment: environment, stdin: stdin, directory: dir.url)
    #expect(r.status == status, "\(args): \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
    return r
  }

  func sql(_ text: String, _ values: [SQLValue] = []) throws {
    try Connection(path: db, create: false).run(text, values)
  }

  func value(_ text: String) throws -> String? {
    try Connection(path: db, create: false).first(text) { $0.optionalText(0) } ?? nil
  }

  /// A database as the original app and authctl 3 left it: schema version 3, no triggers.
  func versionThreeDatabase() throws {
    let conn = try Connection(path: db, create: true)
    try conn.execute(Self.original)
    _ = try Migrator(Array(Schema.migrations.prefix(3))).migrate(
      conn,
      context: MigrationContext(
        now: Timestamp.instant("2026-01-01T00:00:00Z")!, randomBytes: { try Random.bytes($0) },
        jwtSecretConfigured: false, notice: { _ in }))
  }

  @Test func rowsTheAppInsertsAreDatedAndPurgeable() throws {
    try versionThreeDatabase()
    // Inserted by the app after adoption, before this version: undated.
    try sql("INSERT INTO users (id, email, activated_at) VALUES ('a1', 'old@example.com', NULL)")
    try sql("INSERT INTO users (id, email, activated_at) VALUES ('a2', 'blank@example.com', '')")
    try sql("INSERT INTO users (id, email, activated_at) VALUES ('a3', 'space@example.com', '  ')")
    try run(["migrate"])
    let applied = try #require(
      try value("SELECT applied_at FROM schema_migrations WHERE version = 4"))
    for id in ["a1", "a2", "a3"] {
      #expect(
        try value("SELECT created_at FROM users WHERE id = '\(id)'") == applied,
        "an undated row takes the migration's time")
    }
    #expect(
      try value("SELECT count(*) FROM users WHERE activated_at IS NOT NULL") == "0",
      "blank activations are NULL")
    // Inserted by the app from now on: the trigger dates it; a blank one is unconfirmed.
    try sql("INSERT INTO users (id, email, activated_at) VALUES ('a4', 'new@example.com', ' ')")
    #expect(try value("SELECT created_at FROM users WHERE id = 'a4'") != nil)
    #expect(try value("SELECT activated_at FROM users WHERE id = 'a4'") == nil)
    let list = try run(["users", "list", "--format", "csv"]).stdout
    #expect(list.components(separatedBy: ",unconfirmed,").count == 5, "\(list)")
    // Aged by hand (no sleeping): the purge sees them all.
    try sql("UPDATE users SET created_at = '2020-01-01T00:00:00Z'")
    let purge = try run(["users", "purge", "--unconfirmed", "--older-than", "7d", "--dry-run"])
    #expect(
      Set(purge.stdout.split(separator: "\n").map(String.init))
        == ["old@example.com", "blank@example.com", "space@example.com", "new@example.com"])
  }

  @Test func aBlankActivationCannotLogIn() throws {
    try run(["migrate"])
    let hash = try python(
      "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
      ["blank activation password"]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try sql(
      "INSERT INTO users (id, email, password, activated_at) VALUES ('b1', 'b@example.com', ?1, '')",
      [.text(hash)])
    let r = try run(
      ["login", "b@example.com", "--password-stdin"], stdin: "blank activation password\n",
      expect: 77)
    #expect(r.stderr.contains("not confirmed"))
    try run(["recover", "b@example.com"], expect: 77)
  }

  @Test func activatedAtIsWrittenAsPythonWritesIt() throws {
    try run(["register", "py@example.com"])
    let token = try #require(
      Walk.line("Token", in: try run(["mail", "show", "--to", "py@example.com"]).stdout))
    try run(["confirm", token])
    let stored = try #require(try value("SELECT activated_at FROM users"))
    #expect(stored.hasSuffix("+00:00") && stored.count == 25, "\(stored)")
    // fromisoformat reads it, and it is exactly what isoformat() writes for that time: the
    // form Python 3.7 to 3.10 read (they do not read a trailing Z).
    let py = try python(
      """
      import sys
      from datetime import datetime, timezone
      t = datetime.fromisoformat(sys.argv[1])
      assert t.utcoffset().total_seconds() == 0
      assert t.isoformat() == sys.argv[1], t.isoformat()
      print(t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
      """, [stored])
    #expect(py.status == 0, "\(py.stderr)")
    let shown = try run(["users", "show", "py@example.com", "--format", "json"]).stdoutData
    let obj = try JSONSerialization.jsonObject(with: shown) as! [String: Any]
    #expect(obj["activated_at"] as? String == py.stdout.trimmingCharacters(in: .newlines))
  }

  @Test func usersListShowsTheAppsTimesInUTC() throws {
    try run(["migrate"])
    try sql(
      """
      INSERT INTO users (id, email, activated_at, created_at, last_login_at) VALUES
        ('t1', 't1@example.com', '2021-06-10T14:23:11.123456', '2021-06-01 08:00:00', NULL),
        ('t2', 't2@example.com', '2021-06-10T16:23:11+02:00', '2021-06-01T08:00:00Z',
         '2021-06-11T01:00:00-05:00')
      """)
    let rows =
      try JSONSerialization.jsonObject(
        with: try run(["users", "list", "--format", "json"]).stdoutData) as! [[String: Any]]
    #expect(
      rows.map { $0["activated_at"] as? String } == [
        "2021-06-10T14:23:11Z", "2021-06-10T14:23:11Z",
      ])
    #expect(
      rows.map { $0["created_at"] as? String } == ["2021-06-01T08:00:00Z", "2021-06-01T08:00:00Z"])
    #expect(rows[1]["last_login_at"] as? String == "2021-06-11T06:00:00Z")
    let show = try run(["users", "show", "t2@example.com"]).stdout
    #expect(show.contains("2021-06-10T14:23:11Z") && !show.contains("+02:00"))
  }

  @Test(
    .enabled(
      if: Prerequisite.pythonOrCI("import bcrypt, sqlite3"), "python3-bcrypt is not installed"))
  func aBlobHashStaysABlobAndTheAppsLoginKeepsWorking() throws {
    try run(["migrate"])
    let password = "the original app's password"
    // As the app stores it: bcrypt.hashpw returns bytes, which SQLite keeps as a BLOB.
    let insert = try python(
      """
      import bcrypt, sqlite3, sys
      db = sqlite3.connect(sys.argv[1])
      h = bcrypt.hashpw(sys.argv[2].encode(), bcrypt.gensalt(4))
      db.execute("INSERT INTO users (id, email, password, activated_at) VALUES (?, ?, ?, ?)",
                 ("blob-1", "blob@example.com", h, "2021-06-10T14:23:11.123456"))
      db.commit()
      """, [db, password])
    #expect(insert.status == 0, "\(insert.stderr)")
    #expect(try value("SELECT typeof(password) FROM users") == "blob")
    // authctl logs in and rehashes it at another cost...
    try run(
      ["login", "blob@example.com", "--password-stdin"], stdin: password + "\n",
      env: ["AUTHCTL_BCRYPT_COST": "5"])
    #expect(try value("SELECT substr(CAST(password AS TEXT), 1, 7) FROM users") == "$2b$05$")
    #expect(try value("SELECT typeof(password) FROM users") == "blob", "kept as a BLOB")
    // ...and the app's own check still gets bytes and says yes.
    let check = try python(
      """
      import bcrypt, sqlite3, sys
      (h,) = sqlite3.connect(sys.argv[1]).execute("SELECT password FROM users").fetchone()
      assert isinstance(h, bytes), type(h)
      print(bcrypt.checkpw(sys.argv[2].encode(), h))
      """, [db, password])
    #expect(check.stdout == "True\n", "\(check.stderr)")
    try run(
      ["users", "set-password", "blob@example.com", "--password-stdin"],
      stdin: "a new password for the blob\n")
    #expect(try value("SELECT typeof(password) FROM users") == "blob")
  }
}

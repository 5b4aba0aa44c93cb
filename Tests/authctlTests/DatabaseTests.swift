import AuthKit
import Foundation
import TestSupport
import Testing

/// Migration from empty and from the original app's table; missing, behind and newer databases;
/// file modes under umask 000.
@Suite struct DatabaseTests {
  static let originalDDL = """
    CREATE TABLE users (id VARCHAR(128) NOT NULL, email VARCHAR(128), password VARCHAR(512), \
    activated_at VARCHAR(128), PRIMARY KEY (id))
    """

  @Test func migrateFromEmptyThenNoOp() throws {
    let dir = try TempDir()
    let db = dir.file("new.sqlite")
    let first = try authctl(["--db", db, "migrate"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.hasPrefix("applied 1: adopt users table\n"))
    #expect(
      first.stdout
        == Schema.migrations.map { "applied \($0.version): \($0.name)\n" }.joined())
    #expect(first.stderr.contains("generated a 32-byte secret"))
    let second = try authctl(["--db", db, "migrate"])
    #expect(second.status == 0)
    #expect(second.stdout.isEmpty)
    #expect(second.stderr.contains("up to date"))
    let status = try authctl(["--db", db, "migrate", "--status"])
    #expect(status.stdout.split(separator: "\n").count == Schema.migrations.count)
    #expect(!status.stdout.contains("pending"))
  }

  @Test func jwtSecretConfiguredGeneratesNone() throws {
    let dir = try TempDir()
    let db = dir.file("s.sqlite")
    let r = try authctl(
      ["--db", db, "migrate"], environment: ["JWT_SECRET": String(repeating: "k", count: 32)])
    #expect(r.status == 0)
    #expect(!r.stderr.contains("generated"))
    let conn = try Connection(path: db, create: false)
    #expect(try conn.first("SELECT count(*) FROM settings") { $0.int(0) } == 0)
  }

  @Test func adoptsOriginalDatabase() throws {
    let dir = try TempDir()
    let path = dir.file("identifier.sqlite")
    let hash = "$2b$12$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2"
    do {
      let conn = try Connection(path: path, create: true)
      try conn.execute(Self.originalDDL)
      try conn.run(
        "INSERT INTO users VALUES (?1, ?2, ?3, ?4)",
        [
          .text("5e2f7a4c-0000-4000-8000-000000000001"), .text("ann@example.com"), .text(hash),
          .text("2021-06-10T12:34:56.123456"),
        ])
      try conn.run(
        "INSERT INTO users VALUES (?1, ?2, ?3, NULL)",
        [.text("5e2f7a4c-0000-4000-8000-000000000002"), .text("bob@example.com"), .text(hash)])
    }
    let before = try authctl(["--db", path, "users", "list"])
    #expect(before.status == 78)
    #expect(before.stderr.contains("run authctl migrate"))
    let r = try authctl(["--db", path, "migrate"])
    #expect(r.status == 0, "\(r.stderr)")
    let conn = try Connection(path: path, create: false)
    let rows = try conn.all(
      "SELECT id, email, password, activated_at, created_at FROM users ORDER BY id"
    ) {
      [$0.text(0), $0.text(1), $0.text(2), $0.optionalText(3), $0.optionalText(4)]
    }
    #expect(rows.count == 2)
    #expect(rows[0][2] == hash && rows[1][2] == hash)
    #expect(rows[0][3] == "2021-06-10T12:34:56.123456")
    #expect(rows[1][3] == nil)
    #expect(rows.allSatisfy { $0[4] != nil }, "adopted rows get the migration time")
    let list = try authctl(["--db", path, "users", "list", "--format", "jsonl"])
    #expect(list.stdout.contains("\"email\":\"ann@example.com\",\"status\":\"active\""))
    #expect(list.stdout.contains("\"email\":\"bob@example.com\",\"status\":\"unconfirmed\""))
    #expect(!list.stdout.contains(hash))
    // Second run changes nothing.
    let again = try authctl(["--db", path, "migrate"])
    #expect(again.stdout.isEmpty)
    let after = try conn.all(
      "SELECT id, email, password, activated_at, created_at FROM users ORDER BY id"
    ) {
      [$0.text(0), $0.text(1), $0.text(2), $0.optionalText(3), $0.optionalText(4)]
    }
    #expect(after == rows)
  }

  @Test func caseClashRefusedWithoutChange() throws {
    let dir = try TempDir()
    let path = dir.file("clash.sqlite")
    do {
      let conn = try Connection(path: path, create: true)
      try conn.execute(Self.originalDDL)
      try conn.run(
        "INSERT INTO users VALUES ('1', 'Ann@x.org', NULL, NULL), ('2', 'ann@x.org', NULL, NULL)")
    }
    let r = try authctl(["--db", path, "migrate"])
    #expect(r.status == 65)
    #expect(r.stderr.contains("ann@x.org"))
    let conn = try Connection(path: path, create: false)
    #expect(try conn.first("SELECT count(*) FROM pragma_table_info('users')") { $0.int(0) } == 4)
  }

  @Test func missingBehindNewer() throws {
    let dir = try TempDir()
    let missing = try authctl(["--db", dir.file("none.sqlite"), "users", "list"])
    #expect(missing.status == 66)
    #expect(missing.stderr.contains("does not exist"))
    #expect(!FileManager.default.fileExists(atPath: dir.file("none.sqlite")))
    let status = try authctl(["--db", dir.file("none.sqlite"), "migrate", "--status"])
    #expect(status.status == 66)

    let path = dir.file("v.sqlite")
    #expect(try authctl(["--db", path, "migrate"]).status == 0)
    let conn = try Connection(path: path, create: false)
    let latest = SQLValue.integer(Int64(Schema.latestVersion))
    try conn.run("DELETE FROM schema_migrations WHERE version = ?1", [latest])
    let behind = try authctl(["--db", path, "users", "list"])
    #expect(behind.status == 78)
    #expect(behind.stderr.contains("run authctl migrate"))
    try conn.run(
      "INSERT INTO schema_migrations VALUES (?1, 'x', 'y'), (99, 'future', 'z')", [latest])
    let newer = try authctl(["--db", path, "users", "list"])
    #expect(newer.status == 78)
    #expect(newer.stderr.contains("newer"))
    let migrateNewer = try authctl(["--db", path, "migrate"])
    #expect(migrateNewer.status == 78)
  }

  @Test func directoryAndNonSQLiteFile() throws {
    let dir = try TempDir()
    let r = try authctl(["--db", dir.path, "users", "list"])
    #expect([66, 74].contains(r.status), "\(r.status) \(r.stderr)")
    #expect(r.stderr.hasPrefix("authctl: "))
    let junk = dir.file("junk.sqlite")
    try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
    let j = try authctl(["--db", junk, "users", "list"])
    #expect(j.status == 65, "\(j.stderr)")
    #expect(j.stderr.contains("not a SQLite database"))
  }

  @Test func filesAre0600UnderUmask000() throws {
    let dir = try TempDir()
    let db = dir.file("m.sqlite")
    // Keep the database open in WAL mode while listing its files, so -wal and -shm exist.
    let script = """
      umask 000
      "$1" --db "$2" migrate >/dev/null 2>&1 || exit 9
      exec "$1" --db "$2" users list >/dev/null
      """
    let r = try run(
      "/bin/sh", ["-c", script, "sh", authctlPath, db], environment: ["AUTHCTL_BCRYPT_COST": "4"])
    #expect(r.status == 0, "\(r.stderr)")
    // authctl removes -wal and -shm when it closes; open the database with the same AuthKit
    // code under umask 000 and keep it open, so they exist to be checked.
    let old = umask(0)
    defer { umask(old) }
    let conn = try Connection(path: db, create: false)
    try conn.run("INSERT INTO settings VALUES ('probe', 'x', 'y')")
    for name in ["m.sqlite", "m.sqlite-wal", "m.sqlite-shm"] {
      let attrs = try FileManager.default.attributesOfItem(atPath: dir.file(name))
      let mode = (attrs[.posixPermissions] as? NSNumber)?.intValue ?? -1
      #expect(mode == 0o600, "\(name) is \(String(mode, radix: 8))")
    }
  }
}

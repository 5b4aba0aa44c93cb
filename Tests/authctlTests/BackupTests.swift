import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl backup` and `authctl restore` (issue 17): a consistent copy of a live database,
/// 0600 and checked; a restore refused while the database is in use, the old file kept.
@Suite struct BackupTests {
  let dir: TempDir
  let db: String

  init() throws {
    dir = try TempDir()
    db = dir.file("live.sqlite")
    #expect(try authctl(["--db", db, "-q", "migrate"]).status == 0)
  }

  func mode(_ path: String) -> mode_t? { FileOwner(path: path)?.mode }

  /// Backups taken while 16 registrations run at once: each copy is 0600, stands alone, passes
  /// `integrity_check`, and is one snapshot — every account in it has the audit event and the
  /// mail its registration wrote in the same transaction.
  @Test func backupDuringSixteenParallelRegistrations() throws {
    var started: [SpawnedProcess] = []
    var copies: [String] = []
    for n in 0..<16 {
      started.append(
        try SpawnedProcess(
          ["--db", db, "-q", "register", "racer\(n)@example.com"], directory: dir.url,
          scratch: dir))
      if n % 4 == 3 {
        let copy = dir.file("copy\(n).sqlite")
        copies.append(copy)
        started.append(
          try SpawnedProcess(["--db", db, "backup", copy], directory: dir.url, scratch: dir))
      }
    }
    for p in started { p.wait() }
    for p in started where p.status != 0 { Issue.record("status \(p.status): \(p.stderr)") }
    #expect(try scalar(db, "SELECT count(*) FROM users") == 16)
    var sizes: [Int64] = []
    for copy in copies {
      #expect(mode(copy) == 0o600, "\(copy) is 0600")
      #expect(FileOwner(path: copy + "-wal") == nil, "the copy stands alone, no -wal")
      #expect(try integrityCheck(copy) == "ok")
      let users = try scalar(copy, "SELECT count(*) FROM users")
      #expect((0...16).contains(users))
      #expect(
        try scalar(
          copy,
          """
          SELECT count(*) FROM users WHERE id NOT IN
            (SELECT user_id FROM audit WHERE event = 'register' AND outcome = 'ok')
          """) == 0, "each account's audit event is in the same snapshot")
      #expect(
        try scalar(
          copy, "SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM outbox)") == 0,
        "each account's confirmation mail is in the same snapshot")
      sizes.append(users)
    }
    print("BackupTests: 4 backups during 16 parallel registrations held \(sizes) accounts")
    // The last copy is a working database.
    let r = try authctl(["--db", copies.last!, "users", "list", "--format", "csv"])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test func backupReplacesAFileAtomicallyAndRefusesTheDatabase() throws {
    let copy = dir.file("copy.sqlite")
    FileManager.default.createFile(atPath: copy, contents: Data("old".utf8))
    #expect(chmod(copy, 0o644) == 0)
    let r = try authctl(["--db", db, "backup", copy])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("integrity_check: ok"), "\(r.stdout)")
    #expect(mode(copy) == 0o600, "a new file, 0600, renamed over the old one")
    #expect(try integrityCheck(copy) == "ok")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
      .filter { $0.contains(".authctl-") }
    #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")
    let itself = try authctl(["--db", db, "backup", db])
    #expect(itself.status == 65, "\(itself.stderr)")
    #expect(itself.stderr.contains("the database itself"))
    let missing = try authctl(["--db", dir.file("none.sqlite"), "backup", copy])
    #expect(missing.status == 66)
    let noFolder = try authctl(["--db", db, "backup", dir.file("no/such/folder/copy.sqlite")])
    #expect(noFolder.status == 73, "\(noFolder.stderr)")
  }

  /// Restore is refused while another process has the database open (here, this test process:
  /// a connection that has read holds SQLite's SHARED lock), then works once it is closed.
  @Test func restoreRefusedWhileInUseAndKeepsTheOldFile() throws {
    #expect(try authctl(["--db", db, "-q", "register", "before@example.com"]).status == 0)
    let copy = dir.file("copy.sqlite")
    #expect(try authctl(["--db", db, "backup", copy]).status == 0)
    #expect(try authctl(["--db", db, "-q", "register", "after@example.com"]).status == 0)
    #expect(chmod(db, 0o640) == 0)
    do {
      let holder = try Connection(path: db, create: false)
      #expect(try holder.first("SELECT count(*) FROM users") { $0.int(0) } == 2)
      let busy = try authctl(["--db", db, "restore", copy])
      #expect(busy.status == 75, "\(busy.stderr)")
      #expect(busy.stderr.contains("is in use (process \(getpid())"), "\(busy.stderr)")
      #expect(try scalar(db, "SELECT count(*) FROM users") == 2, "nothing replaced")
      #expect(FileOwner(path: db + ".bak") == nil)
    }
    let r = try authctl(["--db", db, "restore", copy])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("kept as \(db).bak"), "\(r.stdout)")
    #expect(try scalar(db, "SELECT count(*) FROM users") == 1, "the backup's data")
    #expect(try scalar(db + ".bak", "SELECT count(*) FROM users") == 2, "the old data kept")
    #expect(mode(db) == 0o640, "the restored file takes the database's mode")
    #expect(try integrityCheck(db) == "ok")
    // Still a working database: the next command writes to it.
    #expect(try authctl(["--db", db, "-q", "register", "later@example.com"]).status == 0)
  }

  @Test func restoreRefusesWhatIsNotAGoodBackup() throws {
    let junk = dir.file("junk.sqlite")
    FileManager.default.createFile(atPath: junk, contents: Data(repeating: 7, count: 8192))
    let r = try authctl(["--db", db, "restore", junk])
    #expect(r.status == 65, "\(r.stderr)")
    let plain = dir.file("plain.sqlite")
    #expect(try run("/usr/bin/sqlite3", [plain, "CREATE TABLE t(x)"]).status == 0)
    let other = try authctl(["--db", db, "restore", plain])
    #expect(other.status == 65 && other.stderr.contains("no authctl database"), "\(other.stderr)")
    let missing = try authctl(["--db", db, "restore", dir.file("none.sqlite")])
    #expect(missing.status == 66, "\(missing.stderr)")
    #expect(try integrityCheck(db) == "ok" && FileOwner(path: db + ".bak") == nil)
  }

  /// A PostgreSQL store has no file to copy: backup and restore exit 69 before connecting,
  /// naming the pg_dump recipe, and create nothing.
  @Test func postgresPointsToPgDump() throws {
    let url = "postgresql://authctl@127.0.0.1:1/none"
    for args in [["backup", dir.file("copy.sqlite")], ["restore", db]] {
      let r = try authctl(["--db", url] + args, directory: dir.url)
      #expect(r.status == 69, "\(args): \(r.status) \(r.stderr)")
      #expect(r.stderr.contains("pg_dump --format=custom"), "\(r.stderr)")
      #expect(r.stderr.contains("pg_restore"), "\(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.file("copy.sqlite")))
  }
}

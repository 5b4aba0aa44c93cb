import AuthKit
import Foundation
import TestSupport
import Testing

/// The SQLite adapter: `Statement` binding and reading, NULL handling, refusal of a second
/// statement, error kinds, and the store port's transactions over it.
@Suite struct SQLiteAdapterTests {
  static func connection(_ dir: TempDir, _ name: String = "a.sqlite") throws -> Connection {
    try Connection(path: dir.file(name), create: true, busyTimeoutMilliseconds: 50)
  }

  /// The instant of ISO-8601 `text`.
  static func t(_ text: String) -> Instant { Timestamp.instant(text)! }

  static func migratedStore(_ dir: TempDir) throws -> SQLiteStore {
    let store = try SQLiteStore(path: dir.file("s.sqlite"), create: true)
    _ = try store.migrate(
      MigrationContext(
        now: Self.t("2026-01-01T00:00:00Z"), randomBytes: { try Random.bytes($0) },
        jwtSecretConfigured: false, notice: { _ in }))
    return store
  }

  @Test func bindsAndReadsEachType() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    let s = try db.prepare("SELECT ?1, ?2, ?3, ?4, ?5, typeof(?3)")
    try s.bind([.integer(-42), .text("Grüße ✓"), .blob([0, 1, 255]), .text(""), .integer(.max)])
    #expect(try s.step())
    #expect(s.columnCount == 6)
    #expect(s.int(0) == -42 && s.isInteger(0))
    #expect(s.text(1) == "Grüße ✓" && !s.isInteger(1))
    #expect(s.blob(2) == [0, 1, 255])
    #expect(s.text(3) == "" && !s.isNull(3), "an empty string is not NULL")
    #expect(s.int(4) == Int64.max)
    #expect(s.text(5) == "blob")
    #expect(s.withTextBytes(1) { Array($0) } == Array("Grüße ✓".utf8))
    #expect(try !s.step(), "one row")
  }

  @Test func textWithNULAndNonASCIIRoundTrips() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    try db.execute("CREATE TABLE t (v TEXT)")
    let value = "a\u{0}b — 🙂"
    try db.run("INSERT INTO t VALUES (?1)", [.text(value)])
    #expect(try db.first("SELECT v FROM t") { $0.text(0) } == value)
    #expect(try db.first("SELECT length(CAST(v AS BLOB)) FROM t") { $0.int(0) } == 12)
  }

  @Test func nullIsBoundAndRead() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    let s = try db.prepare("SELECT ?1, ?2, ?3, ?4 IS NULL")
    try s.bind([.null, .optional(nil), .optional("x"), .null])
    #expect(try s.step())
    #expect(s.isNull(0) && s.isNull(1) && !s.isNull(2))
    #expect(s.optionalText(0) == nil && s.optionalText(1) == nil && s.optionalText(2) == "x")
    #expect(s.text(0) == "" && s.int(0) == 0 && s.blob(0) == [], "NULL reads as empty")
    #expect(s.withTextBytes(0) { $0.count } == 0)
    #expect(s.int(3) == 1)
  }

  @Test func unboundParametersAreNullAndResetClearsBindings() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    let s = try db.prepare("SELECT ?1")
    try s.bind([.text("first")])
    #expect(try s.step() && s.text(0) == "first")
    s.reset()
    #expect(try s.step() && s.isNull(0), "bindings cleared by reset")
  }

  @Test func bindingPastTheLastParameterIsAnError() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    let s = try db.prepare("SELECT ?1")
    #expect(throws: StoreError.self) { try s.bind([.integer(1), .integer(2)]) }
  }

  @Test(arguments: [
    "SELECT 1; SELECT 2",
    "CREATE TABLE t (v); DROP TABLE t",
    "INSERT INTO x VALUES (1); INSERT INTO x VALUES (2)",
  ])
  func aSecondStatementIsRefused(sql: String) throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    try db.execute("CREATE TABLE x (v INTEGER)")
    do {
      _ = try db.prepare(sql)
      Issue.record("prepared two statements: \(sql)")
    } catch {
      #expect(error.kind == .other)
      #expect(error.message.contains("more than one statement"), "\(error.message)")
    }
    #expect(throws: StoreError.self) { try db.run(sql) }
    #expect(try db.first("SELECT count(*) FROM x") { $0.int(0) } == 0, "nothing ran")
  }

  @Test(arguments: ["SELECT 1;", "SELECT 1 ;  \n", "SELECT 1\n\t"])
  func trailingSpaceAndSemicolonAreOneStatement(sql: String) throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    #expect(try db.first(sql) { $0.int(0) } == 1)
  }

  @Test func executeStillRunsAScript() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    try db.execute("CREATE TABLE a (v); CREATE TABLE b (v);")
    #expect(
      try db.first("SELECT count(*) FROM sqlite_master WHERE type = 'table'") { $0.int(0) } == 2)
  }

  @Test func errorsCarryKinds() throws {
    let dir = try TempDir("sqlite")
    let db = try Self.connection(dir)
    try db.execute("CREATE TABLE u (v TEXT UNIQUE)")
    try db.run("INSERT INTO u VALUES ('a')")
    do {
      try db.run("INSERT INTO u VALUES (?1)", [.text("a")])
      Issue.record("duplicate accepted")
    } catch {
      #expect(error.kind == .constraint)
      #expect(!error.message.contains("'a'"), "no bound value in the message")
    }
    do {
      _ = try db.prepare("SELEKT 1")
      Issue.record("bad SQL prepared")
    } catch {
      #expect(error.kind == .other && error.message.contains("SELEKT 1"))
    }
    let junk = dir.file("junk.sqlite")
    try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
    do {
      let c = try Connection(path: junk, create: false)
      _ = try c.first("SELECT count(*) FROM sqlite_master") { $0.int(0) }
      Issue.record("junk opened")
    } catch {
      #expect(error.kind == .corrupt && error.message.hasPrefix("not a SQLite database"))
    }
    do {
      _ = try Connection(path: dir.file("missing.sqlite"), create: false)
      Issue.record("missing opened")
    } catch {
      #expect(error.kind == .missing)
    }
  }

  @Test func aWriterPastTheBusyTimeoutIsBusyAndChangesNothing() throws {
    let dir = try TempDir("sqlite")
    let first = try Self.connection(dir)
    let second = try Self.connection(dir)
    try first.execute("CREATE TABLE t (v INTEGER)")
    try first.execute("BEGIN IMMEDIATE")
    defer { try? first.execute("ROLLBACK") }
    var ran = false
    do {
      try second.write {
        ran = true
        try second.run("INSERT INTO t VALUES (1)")
      }
      Issue.record("second writer got the lock")
    } catch let error as StoreError {
      #expect(error.kind == .busy && error.message == "database busy, retry")
    }
    #expect(!ran, "refused at BEGIN, before the body")
  }

  @Test func aWriteIsAllOrNothing() throws {
    let dir = try TempDir("sqlite")
    let store = try Self.migratedStore(dir)
    struct Stop: Error {}
    try store.write {
      try $0.record(AuditEvent(at: Self.t("2026-01-01T00:00:00Z"), event: "probe"))
    }
    #expect(throws: Stop.self) {
      try store.write { tx in
        try tx.record(AuditEvent(at: Self.t("2026-01-01T00:00:01Z"), event: "rolled back"))
        throw Stop()
      }
    }
    let events = try store.read { tx in
      let c = try tx.auditEvents(AuditFilter())
      var names: [String] = []
      while try c.next() { names.append(c.withText(1) { String(decoding: $0, as: UTF8.self) }) }
      return names
    }
    #expect(events == ["probe"])
  }

  @Test func storeOperationsRoundTrip() throws {
    let dir = try TempDir("sqlite")
    let store = try Self.migratedStore(dir)
    #expect(try store.read { try $0.setting(.jwtSecret) }?.count == 64, "generated secret")
    try store.write { try $0.setSetting(.jwtSecret, to: "ab", at: Self.t("2026-01-02T00:00:00Z")) }
    #expect(try store.read { try $0.setting(.jwtSecret) } == "ab")
    let id = try store.write { tx in
      try tx.enqueueMessage(
        userID: nil, kind: "k", channel: .mail, recipient: "Ann@Example.com", subject: "s",
        body: "b", messageID: "m@x", now: Self.t("2026-01-01T00:00:00Z"))
    }
    let (count, due) = try store.read { tx in
      (
        try tx.messageCount(
          channel: .mail, recipient: "ann@example.com", since: Self.t("2026-01-01T00:00:00Z")),
        try tx.dueMessages(now: Self.t("2026-01-01T00:00:00Z"), all: false).map(\.id)
      )
    }
    #expect(count == 1, "the flood guard counts without case")
    #expect(due == [id])
    try store.write { try $0.markSent(id: id, at: Self.t("2026-01-01T00:00:01Z")) }
    let item = try #require(try store.read { try $0.outboxItem(id: id) })
    #expect(item.status == "sent" && item.body == nil && item.attempts == 1)
  }

  @Test func listingIsACursorWithItsColumns() throws {
    let dir = try TempDir("sqlite")
    let store = try Self.migratedStore(dir)
    let rows = try store.read { tx in
      let c = try tx.listAccounts(AccountFilter(), now: .epoch)
      #expect(
        c.columns == ["id", "email", "status", "created_at", "activated_at", "last_login_at"])
      var n = 0
      while try c.next() { n += 1 }
      return n
    }
    #expect(rows == 0)
    let export = try store.read { try $0.exportAccounts(withHashes: false).columns }
    #expect(export == ImportRecord.header)
  }
}

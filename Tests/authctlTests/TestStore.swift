import AuthKit
import Foundation
import TestSupport
import Testing

/// The stores a test runs against (issue 13): SQLite always; PostgreSQL when this build has it
/// (the `PostgreSQL` trait) and a server can be started — and always under `CI=true`, where a
/// missing one fails the test instead of skipping it.
enum StoreKind: String, CustomStringConvertible, Sendable, CaseIterable {
  case sqlite
  case postgres

  var description: String { rawValue }

  /// The kinds to run: `[.sqlite]` plus `.postgres` when it can run or must (CI).
  static let available: [StoreKind] =
    PostgresServer.runsCases(built: StoreLocation.postgresSupported, label: "authctl tests")
    ? [.sqlite, .postgres] : [.sqlite]

  /// Why PostgreSQL tests cannot run here, nil when they can.
  static var postgresUnavailable: String? {
    PostgresServer.unavailableReason(built: StoreLocation.postgresSupported)
  }

  /// The shared server, or the reason it is missing as a thrown error.
  static func server() throws -> PostgresServer {
    if let reason = postgresUnavailable { throw TestSupportError("PostgreSQL: \(reason)") }
    return try PostgresServer.shared.get()
  }
}

/// A fresh database of one kind for a test, with the folder its commands run in: the SQLite
/// file `NAME.sqlite` in that folder (mailbox `NAME.mbox` beside it), or a new PostgreSQL
/// database (mailbox `authctl.mbox` in the folder, where commands run).
final class TestDatabase: @unchecked Sendable {
  let kind: StoreKind
  let dir: TempDir
  /// What `--db` / `AUTHCTL_DB` takes.
  let location: String
  /// The local mailbox commands run in `dir` append to.
  let mbox: String
  /// The PostgreSQL database's name (nil for SQLite).
  let databaseName: String?

  init(_ kind: StoreKind, name: String = "test", dir: TempDir? = nil) throws {
    self.kind = kind
    self.dir = try dir ?? TempDir("authctl-\(kind)")
    switch kind {
    case .sqlite:
      location = self.dir.file("\(name).sqlite")
      databaseName = nil
    case .postgres:
      let server = try StoreKind.server()
      let db = try server.newDatabase()
      location = server.url(db)
      databaseName = db
    }
    mbox = self.dir.file(
      (MailboxNotifier.path(forDatabase: location) as NSString).lastPathComponent)
  }

  var probe: DatabaseProbe { DatabaseProbe(location) }
}

/// Reads (and changes) a test's database behind authctl's back, SQLite or PostgreSQL alike.
/// SQL is written once with `?1`, `?2`… (PostgreSQL gets `$1`, `$2`…); values come back as
/// text, NULL as nil.
struct DatabaseProbe {
  let location: String

  init(_ location: String) { self.location = location }

  var isPostgres: Bool { StoreLocation(location).isPostgres }

  func rows(_ sql: String, _ values: [SQLValue] = []) throws -> [[String?]] {
    if isPostgres {
      #if PostgreSQL
        let c = try PGConnection(conninfo: location, display: location)
        let r = try c.query(Self.dollars(sql), values.map(Self.text))
        return (0..<r.rowCount).map { i in (0..<r.columnCount).map { r.optionalText(i, $0) } }
      #else
        throw TestSupportError("this build has no PostgreSQL store")
      #endif
    }
    let c = try Connection(path: location, create: false)
    return try c.all(sql, values) { s in (0..<s.columnCount).map { s.optionalText($0) } }
  }

  /// Runs a change; returns the changed row count.
  @discardableResult
  func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
    if isPostgres {
      #if PostgreSQL
        let c = try PGConnection(conninfo: location, display: location)
        return try c.query(Self.dollars(sql), values.map(Self.text)).changes
      #else
        throw TestSupportError("this build has no PostgreSQL store")
      #endif
    }
    return try Connection(path: location, create: false).run(sql, values)
  }

  func value(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
    try rows(sql, values).first?.first ?? nil
  }

  func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
    try value(sql, values).flatMap { Int64($0) } ?? -1
  }

  /// "ok" when the database is sound: SQLite's `PRAGMA integrity_check`; on PostgreSQL every
  /// B-tree index of the schema checked against its table by `amcheck`
  /// (`bt_index_check(index, heapallindexed => true)`).
  func integrity() throws -> String {
    if isPostgres {
      try run("CREATE EXTENSION IF NOT EXISTS amcheck")
      _ = try rows(
        """
        SELECT bt_index_check(c.oid, true) FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_am a ON a.oid = c.relam
        WHERE n.nspname = current_schema() AND a.amname = 'btree'
        """)
      return "ok"
    }
    return try rows("PRAGMA integrity_check").map { $0.first.flatMap { $0 } ?? "" }
      .joined(separator: "\n")
  }

  /// `?N` → `$N`.
  static func dollars(_ sql: String) -> String {
    sql.replacing(#/\?(\d+)/#) { "$" + $0.output.1 }
  }

  static func text(_ v: SQLValue) -> String? {
    switch v {
    case .null: return nil
    case .integer(let n): return String(n)
    case .text(let t): return t
    case .blob(let b): return String(decoding: b, as: UTF8.self)
    }
  }
}

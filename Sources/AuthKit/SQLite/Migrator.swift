/// Applies and checks the schema version (https://sqlite.org/lang_altertable.html for what the
/// migrations may do). Each migration runs in its own `BEGIN IMMEDIATE` transaction.
public struct Migrator {
  public let migrations: [Migration]

  public init(_ migrations: [Migration] = Schema.migrations) { self.migrations = migrations }

  /// The latest version applied to `db`, 0 for a database authctl never migrated.
  public func currentVersion(_ db: Connection) throws(StoreError) -> Int {
    let exists =
      try db.first(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
      ) { _ in true } ?? false
    guard exists else { return 0 }
    return Int(
      try db.first("SELECT coalesce(max(version), 0) FROM schema_migrations") { $0.int(0) } ?? 0)
  }

  /// True when `db` holds no table at all (a file just created).
  public func isEmpty(_ db: Connection) throws(StoreError) -> Bool {
    try db.first("SELECT count(*) FROM sqlite_master") { $0.int(0) } == 0
  }

  /// Refuses a schema that is behind or ahead of this binary (every command but `migrate`).
  public func requireCurrent(_ db: Connection) throws(StoreError) {
    let current = try currentVersion(db)
    if current < migrations.count {
      throw .schemaBehind(current: current, latest: migrations.count)
    }
    if current > migrations.count { throw .schemaNewer(current: current, latest: migrations.count) }
  }

  /// The pending migrations, in order.
  public func pending(_ db: Connection) throws(StoreError) -> [Migration] {
    let current = try currentVersion(db)
    return migrations.filter { $0.version > current }
  }

  /// Applied migrations with the time each was applied.
  public func applied(_ db: Connection) throws(StoreError) -> [(
    version: Int, name: String, at: String
  )] {
    guard try currentVersion(db) > 0 else { return [] }
    return try db.all("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") {
      (Int($0.int(0)), $0.text(1), $0.text(2))
    }
  }

  /// Applies every pending migration, each in its own transaction, and returns them.
  /// A database newer than the binary is refused before anything runs. (A file with no schema
  /// that another non-root user owns never gets here: `Connection` refuses to open it.)
  @discardableResult
  public func migrate(_ db: Connection, context: MigrationContext) throws -> [Migration] {
    let current = try currentVersion(db)
    if current > migrations.count {
      throw StoreError.schemaNewer(current: current, latest: migrations.count)
    }
    var done: [Migration] = []
    for migration in migrations where migration.version > current {
      try db.write {
        try db.execute(
          """
          CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
          """)
        // Re-check inside the lock: another process may have migrated meanwhile.
        let now = try currentVersion(db)
        guard migration.version > now else { return }
        try migration.apply(db, context)
        try db.run(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
          [
            .integer(Int64(migration.version)), .text(migration.name),
            StoredTime.value(context.now),
          ])
        done.append(migration)
      }
    }
    return done
  }
}

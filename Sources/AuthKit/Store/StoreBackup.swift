/// A backup made by `Store.backup(to:)`.
public struct StoreBackup: Sendable, Equatable {
  /// Where the copy is.
  public var path: String
  /// Its size in bytes.
  public var bytes: Int64
  /// The engine's own check of the copy (`PRAGMA integrity_check`): "ok" when sound; a copy
  /// that fails it is not kept.
  public var check: String

  public init(path: String, bytes: Int64, check: String) {
    self.path = path
    self.bytes = bytes
    self.check = check
  }

  /// How a PostgreSQL store is backed up and restored instead (README.md, docs/SCALING.md):
  /// `pg_dump` copies one consistent snapshot of the live database.
  public static let postgresRecipe = """
    a PostgreSQL store is backed up with pg_dump, which copies one consistent snapshot of the \
    live database: 'pg_dump --format=custom --file=authctl.dump DATABASE', restored with \
    'pg_restore --clean --if-exists --single-transaction --dbname=DATABASE authctl.dump' \
    (docs/SCALING.md)
    """
}

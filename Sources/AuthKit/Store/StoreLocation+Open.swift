/// Opening the store a location names: the one place that picks an adapter.
extension StoreLocation {
  /// How to get PostgreSQL support, for the message of a build without it.
  public static let rebuildHint =
    "rebuild with `swift build -c release --traits PostgreSQL` or `make WITH_POSTGRESQL=1` (needs libpq-dev)"

  /// True when this binary was built with the PostgreSQL store (the `PostgreSQL` trait).
  public static var postgresSupported: Bool {
    #if PostgreSQL
      return true
    #else
      return false
    #endif
  }

  /// Opens the store. A SQLite file is created with `create` (else a missing one is
  /// `StoreError.databaseMissing`); a PostgreSQL database must exist (an unknown one is
  /// `.missing`, exit 66). A build without PostgreSQL refuses a PostgreSQL location
  /// (`.unsupported`, exit 78).
  ///
  /// `frequent`: a command run once per request by a server (`check`): a SQLite database keeps
  /// its `-wal` and `-shm` files between processes (`Connection.keepJournalFiles`).
  public func open(create: Bool, frequent: Bool = false) throws(StoreError) -> any Store {
    switch self {
    case .sqlite(let path):
      return try SQLiteStore(path: path, create: create, keepsJournalFiles: frequent)
    case .postgres(let conninfo):
      #if PostgreSQL
        return try PostgresStore(conninfo: conninfo, display: display)
      #else
        _ = conninfo
        throw .engine(
          kind: .unsupported,
          message: "this authctl was built without PostgreSQL support; \(Self.rebuildHint)")
      #endif
    }
  }
}

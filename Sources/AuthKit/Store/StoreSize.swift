/// The space a store takes (`Store.storageSize`), for `authctl stats`.
public struct StoreSize: Sendable, Equatable {
  /// The database, in bytes.
  public var database: Int64
  /// The write-ahead log, in bytes (SQLite's `-wal` file; 0 when absent); nil for an engine
  /// without one to report.
  public var wal: Int64?

  public init(database: Int64, wal: Int64?) {
    self.database = database
    self.wal = wal
  }
}

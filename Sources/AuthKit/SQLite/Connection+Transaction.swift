import CSQLite

extension Connection {
  /// Runs `body` in one write transaction, `BEGIN IMMEDIATE` … `COMMIT`, rolled back when
  /// `body` throws (https://sqlite.org/lang_transaction.html). Taking the write lock first means
  /// a read-then-write never fails half-way with `SQLITE_BUSY`: it waits up to `busy_timeout` at
  /// `BEGIN`, then gives up before changing anything.
  public func write<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
      throw error
    }
  }

  /// Runs `body` in a read transaction (`BEGIN DEFERRED`), so its reads see one snapshot.
  public func read<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN DEFERRED")
    defer { if sqlite3_get_autocommit(handle) == 0 { try? execute("COMMIT") } }
    return try body()
  }
}

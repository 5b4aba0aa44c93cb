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

  /// `write`, and how long the write lock was held: from `BEGIN IMMEDIATE` taking it to the
  /// commit releasing it — for batch jobs that must keep others' waits short (`authctl prune`).
  ///
  /// The end is taken in a WAL hook (https://sqlite.org/c3ref/wal_hook.html), which SQLite
  /// calls right after a commit has released the write lock; the hook then does what the
  /// default one does (a PASSIVE checkpoint once the WAL holds 1000 frames,
  /// https://sqlite.org/c3ref/wal_autocheckpoint.html), so the checkpoint — which blocks no
  /// writer — is not counted. Outside WAL mode the end is when `COMMIT` returns. The time this
  /// thread waited for a CPU meanwhile (`Stopwatch.runQueueWait`) is left out: on a machine
  /// busier than its cores, that is the scheduler's delay, not the batch's work.
  public func timedWrite<T>(_ body: () throws -> T) throws -> (value: T, held: Duration) {
    let box = CommitTime()
    let context = Unmanaged.passUnretained(box).toOpaque()
    sqlite3_wal_hook(
      handle,
      { context, db, name, frames in
        let box = Unmanaged<CommitTime>.fromOpaque(context!).takeUnretainedValue()
        box.at = Stopwatch.nanoseconds()
        box.waited = Stopwatch.runQueueWait()
        if frames >= 1000 {
          sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
        return SQLITE_OK
      }, context)
    // Back to the default hook, whatever happens.
    defer { sqlite3_wal_autocheckpoint(handle, 1000) }
    return try withExtendedLifetime(box) {
      var taken: UInt64 = 0
      var waitedBefore: UInt64 = 0
      let value = try write { () throws -> T in
        taken = Stopwatch.nanoseconds()
        waitedBefore = Stopwatch.runQueueWait()
        return try body()
      }
      let end = box.at ?? Stopwatch.nanoseconds()
      let waited = (box.waited ?? Stopwatch.runQueueWait()) &- waitedBefore
      let span = end &- taken
      return (value, .nanoseconds(Int64(span - min(waited, span))))
    }
  }
}

/// When the WAL hook saw the commit (`Connection.timedWrite`).
private final class CommitTime {
  var at: UInt64?
  /// `Stopwatch.runQueueWait()` then.
  var waited: UInt64?
}

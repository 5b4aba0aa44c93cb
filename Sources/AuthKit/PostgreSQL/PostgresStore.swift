#if PostgreSQL
  #if canImport(Glibc)
    import Glibc
  #endif

  /// The `Store` over one PostgreSQL database (issue 13), for several hosts sharing one
  /// account database. One connection per command.
  ///
  /// **Transactions.** A write is `BEGIN ISOLATION LEVEL SERIALIZABLE` and, on a serialization
  /// failure or deadlock (`40001`, `40P01`), rolled back and run again from the start after a
  /// short random pause, until `retryWindow` has passed (then `busy`, exit 75, nothing
  /// changed). Serializable Snapshot Isolation
  /// (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-SERIALIZABLE) makes
  /// every committed write transaction behave as if the writers ran one at a time — the
  /// guarantee `BEGIN IMMEDIATE` gives on SQLite — without a lock the flows would have to
  /// name: a read-then-write (an email looked up then inserted, a counted login attempt) can
  /// never interleave with another's, and two hosts touching different accounts do not wait
  /// for each other. Row locks (`SELECT … FOR UPDATE`) were not chosen: they cannot lock a row
  /// that does not exist yet (the 16-way register race), and every flow would have to say
  /// which rows to lock. The price is that a write's body may run more than once: `Store.write`
  /// says so, and a body keeps its effects inside the transaction.
  ///
  /// A read is `REPEATABLE READ READ ONLY`: one snapshot, never waits, never retried.
  /// Every statement waits at most `lock_timeout` (5 s, SQLite's `busy_timeout`) for a lock.
  public final class PostgresStore: Store {
    public let connection: PGConnection
    /// How long a write keeps retrying serialization failures before giving up as busy.
    public static let retryWindow: Int64 = 5_000_000_000

    /// Connects (exit 75 when unreachable, 77 when refused, 66 for an unknown database, 78
    /// for a server older than `PGConnection.oldestServer`).
    public init(conninfo: String, display: String) throws(StoreError) {
      connection = try PGConnection(conninfo: conninfo, display: display)
    }

    public var location: String { connection.display }

    public var file: FileOwner? { nil }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
      try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      do {
        let result = try body(PostgresTransaction(connection))
        try connection.execute("COMMIT")
        return result
      } catch {
        rollback()
        throw error
      }
    }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
      let start = Self.monotonic()
      var attempt = 0
      while true {
        do {
          return try once(body)
        } catch {
          guard connection.retryableFailure else { throw error }
          attempt += 1
          guard Self.monotonic() - start < Self.retryWindow else {
            throw StoreError.engine(
              kind: .busy,
              message: "database busy, retry (\(attempt) serialization conflicts in a row)")
          }
          Self.pause(attempt)
        }
      }
    }

    /// One `SERIALIZABLE` transaction running `body`, rolled back on any error
    /// (`connection.retryableFailure` then tells whether running it again may succeed).
    func once<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
      connection.retryableFailure = false
      do {
        try connection.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        let result = try body(PostgresTransaction(connection))
        // A body that caught a failed statement and went on leaves a failed transaction:
        // COMMIT would only roll it back.
        if connection.transactionFailed {
          throw StoreError.engine(
            kind: .other, message: "a statement of the transaction failed; nothing was changed")
        }
        let commit = try connection.execute("COMMIT")
        guard commit.commandTag == "COMMIT" else {
          throw StoreError.engine(kind: .other, message: "the transaction was rolled back")
        }
        return result
      } catch {
        rollback()
        throw error
      }
    }

    /// A write of many rows: one `SERIALIZABLE` transaction as `write`, run once — an import
    /// streams its input, which a second run could not read again — so a serialization
    /// conflict is `busy` (exit 75, nothing imported: run it again). The import itself locks
    /// `users` against other writers (`importAccount`), so it meets no conflict there.
    public func bulkWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
      do {
        return try once(body)
      } catch {
        guard connection.retryableFailure else { throw error }
        throw StoreError.engine(
          kind: .busy, message: "another write conflicted with this one; nothing changed, retry")
      }
    }

    /// `write`, timed from its `BEGIN` to its `COMMIT`'s answer (row locks are taken and held
    /// within those), less the time this thread waited for a CPU meanwhile
    /// (`Stopwatch.runQueueWait`), as on SQLite.
    public func timedWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
      value: T, held: Duration
    ) {
      let start = Self.monotonic()
      let waitedBefore = Stopwatch.runQueueWait()
      let value = try write(body)
      let span = Self.monotonic() - start
      let waited = Int64(Stopwatch.runQueueWait() &- waitedBefore)
      return (value, .nanoseconds(span - min(waited, span)))
    }

    /// `write`, then `VACUUM` of the tables an erasure changes, so the old row versions are no
    /// longer reachable by any query. PostgreSQL has no `secure_delete`: the bytes of those
    /// versions can stay in the data files until their space is reused, and in the
    /// write-ahead log (and any WAL archive or base backup) until it is recycled — so
    /// `complete` is always false here (`VACUUM FULL audit, outbox` rewrites the tables).
    public func eraseWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
      value: T, complete: Bool
    ) {
      let value = try write(body)
      _ = try? connection.execute(
        "VACUUM audit, outbox, users, sessions, codes, telegram_links, telegram_nonces")
      return (value, false)
    }

    // MARK: Operations on the whole store

    /// PostgreSQL's own tools copy a live database: `pg_dump` takes one consistent snapshot.
    public func backup(to path: String) throws -> StoreBackup {
      throw StoreError.engine(kind: .unsupported, message: StoreBackup.postgresRecipe)
    }

    /// `pg_database_size` of the current database; no write-ahead log is reported (the
    /// server's WAL is shared by every database of the cluster).
    public func storageSize() throws -> StoreSize {
      let r = try connection.query("SELECT pg_database_size(current_database())")
      return StoreSize(database: r.int(0, 0), wal: nil)
    }

    /// Ends an open transaction; a broken connection needs nothing.
    func rollback() {
      if connection.inTransaction { _ = try? connection.execute("ROLLBACK") }
    }

    /// A random pause growing with the attempt (1–2 ms, then up to 64 ms): the conflicting
    /// writers spread out instead of meeting again.
    static func pause(_ attempt: Int) {
      let ceiling = UInt32(1000 << min(attempt, 6))
      let jitter = (try? Random.uniform(ceiling)) ?? ceiling / 2
      usleep(ceiling + jitter)
    }

    static func monotonic() -> Int64 {
      var t = timespec()
      clock_gettime(CLOCK_MONOTONIC, &t)
      return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }

    // MARK: Delivery claims

    /// The class of the outbox's advisory locks ("outb" in ASCII); the message id is the
    /// object (its low 31 bits: ids a multiple of 2³¹ apart share a lock, which only makes one
    /// wait for the other's run).
    static let outboxLockClass = "1869968482"
    private var held: Set<Int64> = []

    /// A session-level advisory lock per message (`pg_try_advisory_lock`,
    /// https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS), taken
    /// outside any transaction: `SELECT … FOR UPDATE SKIP LOCKED` would hold the row locks only
    /// while a transaction stays open, and DESIGN.md keeps SMTP out of transactions. The lock
    /// is the connection's, so it ends when the process does, killed or not.
    public func claimMessages(_ ids: [Int64]) throws(StoreError) -> [Int64] {
      let wanted = ids.filter { !held.contains($0) }
      guard !wanted.isEmpty else { return ids }
      let r = try connection.query(
        """
        SELECT id FROM unnest($1::bigint[]) AS id
        WHERE pg_try_advisory_lock(\(Self.outboxLockClass), (id % 2147483647)::int)
        """, [Self.array(wanted)])
      for i in 0..<r.rowCount { held.insert(r.int(i, 0)) }
      return ids.filter { held.contains($0) }
    }

    public func releaseMessages(_ ids: [Int64]) {
      let mine = ids.filter { held.contains($0) }
      guard !mine.isEmpty else { return }
      _ = try? connection.query(
        """
        SELECT pg_advisory_unlock(\(Self.outboxLockClass), (id % 2147483647)::int)
        FROM unnest($1::bigint[]) AS id
        """, [Self.array(mine)])
      held.subtract(mine)
    }

    /// The class of the hook events' advisory locks ("hook" in ASCII), as `outboxLockClass`.
    static let hookLockClass = "1752133483"
    private var heldHooks: Set<Int64> = []

    /// Hook runs on several hosts share the queue through per-event claims: no run lock.
    public func lockHookDelivery(wait: Bool) throws(StoreError) -> DeliveryLock? {
      DeliveryLock()
    }

    /// A session-level advisory lock per hook event, as `claimMessages`: a killed run's claims
    /// end with its connection, and its event stays queued.
    public func claimHookEvents(_ ids: [Int64]) throws(StoreError) -> [Int64] {
      let wanted = ids.filter { !heldHooks.contains($0) }
      guard !wanted.isEmpty else { return ids }
      let r = try connection.query(
        """
        SELECT id FROM unnest($1::bigint[]) AS id
        WHERE pg_try_advisory_lock(\(Self.hookLockClass), (id % 2147483647)::int)
        """, [Self.array(wanted)])
      for i in 0..<r.rowCount { heldHooks.insert(r.int(i, 0)) }
      return ids.filter { heldHooks.contains($0) }
    }

    public func releaseHookEvents(_ ids: [Int64]) {
      let mine = ids.filter { heldHooks.contains($0) }
      guard !mine.isEmpty else { return }
      _ = try? connection.query(
        """
        SELECT pg_advisory_unlock(\(Self.hookLockClass), (id % 2147483647)::int)
        FROM unnest($1::bigint[]) AS id
        """, [Self.array(mine)])
      heldHooks.subtract(mine)
    }

    /// An array parameter in PostgreSQL's text form: `{1,2,3}`.
    static func array(_ ids: [Int64]) -> String {
      "{" + ids.map(String.init).joined(separator: ",") + "}"
    }

    // MARK: Schema

    /// The advisory lock every migration holds (`pg_advisory_xact_lock(classid, objid)`,
    /// "auth" in ASCII, 0): two hosts migrating at once run one after the other.
    static let schemaLock = "SELECT pg_advisory_xact_lock(1635087464, 0)"

    public var latestSchemaVersion: Int { PostgresSchema.migrations.count }

    /// The latest version applied, 0 for a database authctl never migrated.
    func currentVersion() throws(StoreError) -> Int {
      guard
        try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
          .text(0, 0) == "t"
      else { return 0 }
      return Int(
        try connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations").int(0, 0))
    }

    /// True when the database holds no authctl table yet (neither `schema_migrations` nor the
    /// original app's `users`): `register` then migrates it. Other tables may be there.
    public func isEmpty() throws(StoreError) -> Bool {
      try connection.query(
        "SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('users') IS NULL"
      ).text(0, 0) == "t"
    }

    public func requireCurrentSchema() throws(StoreError) {
      let current = try currentVersion()
      let latest = latestSchemaVersion
      if current < latest { throw .schemaBehind(current: current, latest: latest) }
      if current > latest { throw .schemaNewer(current: current, latest: latest) }
    }

    public func schemaStatus() throws(StoreError) -> (
      applied: [AppliedSchemaStep], pending: [SchemaStep]
    ) {
      let current = try currentVersion()
      var applied: [AppliedSchemaStep] = []
      if current > 0 {
        let r = try connection.query(
          "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
        for i in 0..<r.rowCount {
          applied.append(
            AppliedSchemaStep(
              step: SchemaStep(version: Int(r.int(i, 0)), name: r.text(i, 1)),
              appliedAt: r.instant(i, 2)))
        }
      }
      let pending = PostgresSchema.migrations.map(\.step).filter { $0.version > current }
      return (applied, pending)
    }

    /// Applies every pending version in one transaction holding `schemaLock` (DDL is
    /// transactional on PostgreSQL: all or nothing), re-reading the version once the lock is
    /// held, since another host may have migrated meanwhile.
    public func migrate(_ context: MigrationContext) throws -> [SchemaStep] {
      try connection.execute("BEGIN")
      do {
        try connection.execute(Self.schemaLock)
        try connection.execute(
          """
          CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
          """)
        let current = try currentVersion()
        let latest = latestSchemaVersion
        if current > latest { throw StoreError.schemaNewer(current: current, latest: latest) }
        var done: [SchemaStep] = []
        for (step, apply) in PostgresSchema.migrations where step.version > current {
          try apply(connection, context)
          try connection.query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            [String(step.version), step.name, PGTime.text(context.now)])
          done.append(step)
        }
        try connection.execute("COMMIT")
        return done
      } catch {
        rollback()
        throw error
      }
    }
  }
#endif

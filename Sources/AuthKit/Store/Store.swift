/// The storage port (DESIGN.md): every read and write of accounts, sessions, codes, outbox,
/// audit and settings goes through a transaction of a `Store`. Adapters: `SQLiteStore`.
///
/// A transaction value is valid only inside its closure; the closure's error rolls it back.
public protocol Store: AnyObject {
  /// Where the data lives, for messages (a path; never a password).
  var location: String { get }

  /// For a store kept in a local file: its owner, group and mode when it was opened (nil for a
  /// server), so a readable generated secret can be called out.
  var file: FileOwner? { get }

  /// True when the data this store opened is no longer what its location holds — a database
  /// file moved over by `mv`, or removed — so a long-running caller (`check --batch`) opens the
  /// store anew. A server's store is never replaced.
  var wasReplaced: Bool { get }

  /// Runs `body` over one consistent snapshot; writes nothing.
  func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

  /// Runs `body` in one write transaction, all or nothing. The write lock is taken first, so a
  /// read-then-write never fails half-way: busy past the timeout is `StoreErrorKind.busy`
  /// before anything changed.
  ///
  /// `body` may run more than once: an adapter whose transactions can fail on a conflict
  /// (PostgreSQL's serializable ones) rolls back and runs it again. So a body keeps its
  /// effects inside the transaction, and a value it hands out is its result (or is reset at
  /// its start), never appended to from one run to the next.
  func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

  /// `write` for a change of many rows (an import): the adapter may size its caches for it,
  /// within a bounded memory (issue 17: an import's peak RSS stays under 64 MiB).
  func bulkWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

  /// `write` for one batch of a long job (`authctl prune`), with how long the write lock was
  /// held — from taking it to the commit releasing it, not counting housekeeping after that
  /// blocks no one — so the job can size its batches to keep others' waits short.
  func timedWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
    value: T, held: Duration
  )

  /// `write` for an erasure (`users delete --forget`): what it deletes or overwrites is not
  /// left readable in the store's files (SQLite: zeroed pages, then the WAL checkpointed and
  /// emptied). Returns the body's value and whether older copies may still be held for a
  /// while by a reader that was open at the time (then the next checkpoint removes them).
  func eraseWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
    value: T, complete: Bool
  )

  // MARK: Operations on the whole store

  /// A consistent copy of the store at `path` while others go on using it, created 0600 (a
  /// file at `path` is replaced atomically), checked before it is kept. A store that has no
  /// file to copy (a server) throws `StoreErrorKind.unsupported`, naming its own tool.
  func backup(to path: String) throws -> StoreBackup

  /// The space the store takes: the database and, for SQLite, its write-ahead log.
  func storageSize() throws -> StoreSize
  // MARK: Delivery claims

  /// Claims the outbox messages `ids` for delivery by this process and returns those it now
  /// holds: one another process holds (a flusher on another host) is left out. A claim lasts
  /// until `releaseMessages` or until the store closes — a killed process's claims end with
  /// it, so nothing waits for a lease to run out. The caller re-reads the claimed messages
  /// afterwards (another flusher may have delivered one meanwhile).
  func claimMessages(_ ids: [Int64]) throws(StoreError) -> [Int64]

  /// Lets claimed messages go (once they are marked, or left queued).
  func releaseMessages(_ ids: [Int64])

  /// Takes the store's hook delivery lock for one `hooks flush` run (issue 15), or nil when
  /// another run holds it and `wait` is false. On SQLite, an exclusive `flock(2)` on a lock
  /// file beside the database, so two runs on one host never run the same event at once; on
  /// PostgreSQL runs share the queue through `claimHookEvents` and this holds nothing.
  func lockHookDelivery(wait: Bool) throws(StoreError) -> DeliveryLock?

  /// Claims hook events as `claimMessages` claims messages, and returns those this process
  /// now holds; the caller re-reads them (another run may have delivered one meanwhile).
  func claimHookEvents(_ ids: [Int64]) throws(StoreError) -> [Int64]

  /// Lets claimed hook events go.
  func releaseHookEvents(_ ids: [Int64])

  // MARK: Schema

  /// The latest schema version this binary knows.
  var latestSchemaVersion: Int { get }

  /// True when the store holds nothing at all (just created).
  func isEmpty() throws(StoreError) -> Bool

  /// Refuses a schema behind or ahead of this binary (every command but `migrate`).
  func requireCurrentSchema() throws(StoreError)

  /// Applied versions with the time each was applied, then the pending ones.
  func schemaStatus() throws(StoreError) -> (applied: [AppliedSchemaStep], pending: [SchemaStep])

  /// Applies every pending step, each in its own write transaction, and returns them. A schema
  /// newer than the binary is refused before anything runs.
  func migrate(_ context: MigrationContext) throws -> [SchemaStep]
}

extension Store {
  public var wasReplaced: Bool { false }
}

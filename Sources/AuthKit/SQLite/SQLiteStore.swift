#if canImport(Glibc)
  import Glibc
#endif

/// The `Store` over one SQLite file (the default, for one host). Writes are `BEGIN IMMEDIATE`,
/// reads `BEGIN DEFERRED`; see `Connection`.
public final class SQLiteStore: Store {
  /// The open database; tests and the adapter's own code use it directly, flows never.
  public let connection: Connection
  let migrator: Migrator
  /// The `-wal` and `-shm` files this connection uses, as first seen (see `deinit`).
  private var journal: [(path: String, file: FileOwner)]?

  /// Opens `path`. With `create`, a missing file is made (0600, `O_NOFOLLOW`); without it, a
  /// missing file is `StoreError.databaseMissing`.
  public init(
    path: String, create: Bool, migrations: [Migration] = Schema.migrations,
    keepsJournalFiles: Bool = false
  ) throws(StoreError) {
    connection = try Connection(path: path, create: create, keepsJournalFiles: keepsJournalFiles)
    migrator = Migrator(migrations)
  }

  public var location: String { connection.path }

  /// The path now names another file than the one open (or none).
  public var wasReplaced: Bool {
    guard let now = FileOwner(path: connection.path) else { return true }
    return now.device != connection.file.device || now.inode != connection.file.inode
  }

  /// When the database was replaced, SQLite's close leaves the `-wal` and `-shm` the old file
  /// used at their paths (it will not delete what may be another file's: os_unix.c,
  /// `unixFileHasMoved`), and a connection to the new file would read the old file's pages
  /// from them. The ones this connection had open are removed once it is closed; SQLite
  /// creates fresh ones for the new file.
  deinit {
    guard let journal, wasReplaced else { return }
    for (path, file) in journal {
      guard let now = FileOwner(path: path), now.device == file.device, now.inode == file.inode
      else { continue }
      unlink(path)
    }
  }

  /// Notes the journal files in use after the first transaction (WAL creates them then).
  private func noteJournal() {
    guard journal == nil else { return }
    journal = ["-wal", "-shm"].compactMap { suffix in
      FileOwner(path: connection.path + suffix).map { (connection.path + suffix, $0) }
    }
  }

  public var file: FileOwner? { connection.file }

  /// The flood guard's count: a range of the `outbox_recipient_key` index (named for its
  /// query-plan test).
  public static let floodCountSQL =
    "SELECT count(*) FROM outbox WHERE recipient_key = ?1 AND created_at >= ?2"

  public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
    defer { noteJournal() }
    return try connection.read { try body(SQLiteTransaction(connection)) }
  }

  public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
    defer { noteJournal() }
    return try connection.write { try body(SQLiteTransaction(connection)) }
  }

  /// The page cache of a bulk write, KiB: an import's peak RSS stays under 64 MiB at ten
  /// million rows with it (issue 17; the program itself takes some 25 MiB, SQLite's WAL index
  /// some MiB more). A larger cache barely helps: new ids land at random places of a primary
  /// key index far larger than any cache (BENCHMARKS.md).
  public static let bulkCacheKiB = 16384

  /// A write with a `bulkCacheKiB` page cache for its duration
  /// (https://sqlite.org/pragma.html#pragma_cache_size), and temporary files in memory
  /// (`temp_store = MEMORY`): a row's INSERT into `users`, which has triggers, keeps a
  /// statement journal of the pages it changes, and once one statement's journal outgrew 64 KiB
  /// it would stay a file on disk for the rest of the transaction, written at every row —
  /// fifteen times the import's own writes. In memory it holds one statement's few pages.
  public func bulkWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
    try connection.execute(
      "PRAGMA cache_size = -\(Self.bulkCacheKiB); PRAGMA temp_store = MEMORY")
    defer { try? connection.execute("PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT") }
    return try write(body)
  }

  /// One host: every message is this process's to deliver (two flushers on one file may both
  /// send a message, as before issue 13; the at-least-once rule holds).
  public func claimMessages(_ ids: [Int64]) throws(StoreError) -> [Int64] { ids }

  public func releaseMessages(_ ids: [Int64]) {}

  /// The hook delivery lock file beside the database: `NAME.sqlite-hooks.lock`.
  public var hookLockPath: String { connection.path + "-hooks.lock" }

  /// An exclusive `flock(2)` on `hookLockPath` (created 0600, never through a symbolic link,
  /// refused when another user's or writable by others, as the journal beside the database):
  /// one hook delivery run at a time on this file. The lock is the open file's, so a killed
  /// run's lock ends with it.
  public func lockHookDelivery(wait: Bool) throws(StoreError) -> DeliveryLock? {
    let path = hookLockPath
    let file: PrivateFile
    do {
      file = try PrivateFile.open(path, openExisting: true)
    } catch {
      let e = error.systemError(path)
      throw .system(operation: e.operation, path: path, errno: e.code)
    }
    let fd = file.fd
    guard let owner = FileOwner(fd: fd), owner.isRegular, !owner.othersCanWrite,
      owner.trusted(beside: connection.file)
    else {
      close(fd)
      throw .untrusted(
        "the hook lock file \(path) is not a regular file of yours, root's or the database owner's, or others can write it; remove it"
      )
    }
    while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
      let code = errno
      if code == EINTR { continue }
      close(fd)
      if code == EWOULDBLOCK { return nil }
      throw .system(operation: "flock", path: path, errno: code)
    }
    return DeliveryLock { close(fd) }
  }

  /// One host, and the run holds `lockHookDelivery`: every event is this run's.
  public func claimHookEvents(_ ids: [Int64]) throws(StoreError) -> [Int64] { ids }

  public func releaseHookEvents(_ ids: [Int64]) {}

  public var latestSchemaVersion: Int { migrator.migrations.count }

  public func isEmpty() throws(StoreError) -> Bool { try migrator.isEmpty(connection) }

  public func requireCurrentSchema() throws(StoreError) {
    try migrator.requireCurrent(connection)
  }

  public func schemaStatus() throws(StoreError) -> (
    applied: [AppliedSchemaStep], pending: [SchemaStep]
  ) {
    let applied = try migrator.applied(connection).map {
      AppliedSchemaStep(
        step: SchemaStep(version: $0.version, name: $0.name), appliedAt: StoredTime.instant($0.at))
    }
    return (applied, try migrator.pending(connection).map(\.step))
  }

  public func migrate(_ context: MigrationContext) throws -> [SchemaStep] {
    try migrator.migrate(connection, context: context).map(\.step)
  }
}

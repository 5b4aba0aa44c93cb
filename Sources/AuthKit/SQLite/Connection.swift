import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// One open SQLite database (https://sqlite.org/c3ref/sqlite3.html), closed in `deinit`.
///
/// Opened with WAL, `busy_timeout` 5 s, foreign keys on and `synchronous=NORMAL`. A database
/// this type creates is created mode 0600 whatever the umask; SQLite gives its `-wal` and `-shm`
/// files the mode of the database, and when root opens it, its owner
/// (https://sqlite.org/tempfiles.html, `unixOpen` in os_unix.c).
///
/// A database, `-wal` or `-shm` that others can write, or that is not a regular file, is
/// refused before SQLite opens it (`StoreError.untrusted`, exit 77): whoever can write it can
/// do anything. A group-writable database (0660, shared by a service group) is fine.
public final class Connection {
  let handle: OpaquePointer
  /// The path the connection was opened with.
  public let path: String
  /// The database file's owner, group and mode when it was opened.
  public let file: FileOwner

  /// Opens `path`. With `create`, a missing file is made (0600, `O_NOFOLLOW`); without it, a
  /// missing file is `StoreError.databaseMissing`.
  public init(
    path: String, create: Bool, busyTimeoutMilliseconds: Int32 = 5000,
    keepsJournalFiles: Bool = false
  ) throws(StoreError) {
    self.path = path
    if create {
      try Connection.createFile(path)
    } else if access(path, F_OK) != 0 {
      throw .databaseMissing(path: path)
    }
    guard let before = FileOwner(path: path) else { throw .databaseMissing(path: path) }
    try Connection.checkTrusted(path, before)
    file = before
    let db = try Connection.openHandle(
      path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, shown: path)
    handle = db
    sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    // The file SQLite opened must be the one just checked (no swap in between).
    guard let after = FileOwner(path: path), after.device == before.device,
      after.inode == before.inode
    else {
      throw .untrusted("the database \(path) was replaced while it was being opened; refused")
    }
    // Before anything is written (even the WAL header): a planted file is left untouched.
    if !file.ownedByCallerOrRoot { try checkInitialised() }
    try execute(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    if keepsJournalFiles { try keepJournalFiles() }
  }

  /// Leaves the `-wal` and `-shm` in place when the last connection closes, the `-wal` emptied
  /// (https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html#sqlitefcntlpersistwal, with
  /// `journal_size_limit = 0`: "truncate the WAL file to zero bytes" after the checkpoint that
  /// closing runs). Closing still checkpoints every transaction into the database file and
  /// syncs it, so nothing is left at rest that a database moved over the path could be read
  /// through (SECURITY.md 23); what is saved is the folder's change: no file created or
  /// unlinked per process, so the folder's `fsync` that SQLite makes after opening its WAL
  /// finds nothing to write (issue 14: `check`'s overhead).
  func keepJournalFiles() throws(StoreError) {
    var on: Int32 = 1
    try check(sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &on))
    try execute("PRAGMA journal_size_limit = 0")
  }

  /// Opens `path` read-only, as it is: no pragma, nothing written, not even a `-shm`
  /// (`immutable=1`, https://sqlite.org/uri.html) — for checking a backup before it is
  /// restored. Only for a file with no `-wal` beside it (whose content would be ignored).
  public init(readOnly path: String) throws(StoreError) {
    guard let file = FileOwner(path: path), file.isRegular else {
      throw .databaseMissing(path: path)
    }
    self.path = path
    self.file = file
    var uri = "file:"
    for byte in path.utf8 {
      let plain =
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a)
        || byte == 0x2F || byte == 0x2E || byte == 0x2D || byte == 0x5F
      uri += plain ? String(UnicodeScalar(byte)) : "%" + Hex.encode([byte]).uppercased()
    }
    uri += "?mode=ro&immutable=1"
    handle = try Connection.openHandle(
      uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, shown: path)
  }

  deinit { sqlite3_close_v2(handle) }

  /// `sqlite3_open_v2` (https://sqlite.org/c3ref/open.html) with extended result codes on; a
  /// failure names `shown`.
  private static func openHandle(_ name: String, _ flags: Int32, shown: String) throws(StoreError)
    -> OpaquePointer
  {
    var db: OpaquePointer?
    let rc = sqlite3_open_v2(name, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(db)
      throw .sqlite(code: rc, message: "\(message): \(shown)", sql: nil)
    }
    sqlite3_extended_result_codes(db, 1)
    return db
  }

  /// Refuses a database that others can write or that is not a regular file, and a `-wal`,
  /// `-shm` or `-journal` beside it that others can write, that is not a regular file, or that
  /// belongs to another user outside the database's group (`FileOwner.trusted(beside:)`):
  /// SQLite replays what such a file holds.
  static func checkTrusted(_ path: String, _ db: FileOwner) throws(StoreError) {
    // A folder given as the database is SQLite's to refuse ("unable to open").
    if db.isDirectory { return }
    if let reason = db.untrustedReason("the database", path) { throw .untrusted(reason) }
    for suffix in ["-wal", "-shm", "-journal"] {
      guard let f = FileOwner(path: path + suffix) else { continue }
      if let reason = f.untrustedReason("the database file", path + suffix) {
        throw .untrusted(reason)
      }
      if !f.trusted(beside: db) {
        throw .untrusted(
          "the database file \(path + suffix) belongs to \(FileOwner.userName(f.uid)), not to the database's owner; refused"
        )
      }
    }
  }

  /// Refuses a file another non-root user owns that holds no authctl schema, before anything
  /// is written into it: a file planted where the database will be would receive the schema
  /// and the generated secret, and its owner could read them. A database such a user set up
  /// with `authctl migrate` (a service account's, shared 0660 with its group) is fine.
  func checkInitialised() throws(StoreError) {
    let migrated =
      try first(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
      ) { _ in true } ?? false
    guard !migrated else { return }
    throw .untrusted(
      "the database \(path) belongs to \(FileOwner.userName(file.uid)) and holds no authctl schema; "
        + "authctl does not initialise a file another user created — remove it, or run migrate as its owner"
    )
  }

  /// Creates `path` mode 0600 when it does not exist (`PrivateFile`). An existing file is left
  /// as it is, but an empty one of the caller's gets 0600 before anything is written into it.
  /// A failed `fchmod` is an error.
  static func createFile(_ path: String) throws(StoreError) {
    let file: PrivateFile
    do {
      file = try PrivateFile.open(path, openExisting: true)
    } catch .chmod(let code) {
      throw .system(operation: "cannot chmod 600", path: path, errno: code)
    } catch {
      throw .system(operation: "cannot create", path: path, errno: error.code)
    }
    let fd = file.fd
    defer { close(fd) }
    guard !file.created else { return }
    guard let f = FileOwner(fd: fd) else {
      throw .system(operation: "cannot stat", path: path, errno: errno)
    }
    let empty = lseek(fd, 0, SEEK_END) == 0
    guard empty && f.uid == geteuid(), f.mode != 0o600 else { return }
    if fchmod(fd, 0o600) != 0 {
      throw .system(operation: "cannot chmod 600", path: path, errno: errno)
    }
  }

  /// Throws for a failing return code: the code, `sqlite3_errmsg` and the SQL, made a typed
  /// error by `StoreError.sqlite`.
  func check(_ rc: Int32, sql: String? = nil) throws(StoreError) {
    guard rc != SQLITE_OK, rc != SQLITE_ROW, rc != SQLITE_DONE else { return }
    throw .sqlite(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
  }

  /// Runs one or more statements that bind nothing (schema changes, pragmas).
  public func execute(_ sql: String) throws(StoreError) {
    try check(sqlite3_exec(handle, sql, nil, nil, nil), sql: sql)
  }

  /// Prepares exactly one statement (https://sqlite.org/c3ref/prepare.html). Text after it
  /// other than white space is refused: SQLite would silently never run it.
  public func prepare(_ sql: String) throws(StoreError) -> Statement {
    var stmt: OpaquePointer?
    var rest = ""
    let rc = sql.withCString { base -> Int32 in
      var tail: UnsafePointer<CChar>?
      let rc = sqlite3_prepare_v3(handle, base, -1, 0, &stmt, &tail)
      if rc == SQLITE_OK, let tail { rest = String(cString: tail) }
      return rc
    }
    guard rc == SQLITE_OK, let stmt else {
      sqlite3_finalize(stmt)
      throw .sqlite(code: rc, message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
    guard rest.utf8.allSatisfy({ $0 == 32 || ($0 >= 9 && $0 <= 13) }) else {
      sqlite3_finalize(stmt)
      throw .sqlite(code: SQLITE_MISUSE, message: "more than one statement", sql: sql)
    }
    return Statement(handle: stmt, connection: self, sql: sql)
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes64(handle)) }

  /// The rowid of the last row inserted (https://sqlite.org/c3ref/last_insert_rowid.html).
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// Runs `sql` with `values` and returns the changed row count.
  @discardableResult
  public func run(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int {
    let statement = try prepare(sql)
    try statement.bind(values)
    while try statement.step() {}
    return changes
  }

  /// The first row of `sql`, mapped by `body`, or nil when there is none.
  public func first<T>(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Statement) throws(StoreError) -> T
  ) throws(StoreError) -> T? {
    let statement = try prepare(sql)
    try statement.bind(values)
    guard try statement.step() else { return nil }
    return try body(statement)
  }

  /// Every row of `sql`, mapped by `body`.
  public func all<T>(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Statement) throws(StoreError) -> T
  ) throws(StoreError) -> [T] {
    let statement = try prepare(sql)
    try statement.bind(values)
    var rows: [T] = []
    while try statement.step() { rows.append(try body(statement)) }
    return rows
  }
}

extension Connection {
  /// Copies this database into `destination` with the online backup API
  /// (https://sqlite.org/c3ref/backup_finish.html), all pages in one step.
  func backup(into destination: Connection) throws(StoreError) {
    guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
      throw .sqlite(
        code: sqlite3_errcode(destination.handle),
        message: String(cString: sqlite3_errmsg(destination.handle)), sql: nil)
    }
    let rc = sqlite3_backup_step(backup, -1)
    let finished = sqlite3_backup_finish(backup)
    guard rc == SQLITE_DONE else {
      throw .sqlite(code: rc, message: String(cString: sqlite3_errstr(rc)), sql: nil)
    }
    try destination.check(finished)
  }
}

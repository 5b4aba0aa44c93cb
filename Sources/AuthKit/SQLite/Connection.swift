import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// One open SQLite database (https://sqlite.org/c3ref/sqlite3.html), closed in `deinit`.
///
/// Opened with WAL, `busy_timeout` 5 s, foreign keys on and `synchronous=NORMAL`. A database
/// this type creates is created mode 0600 whatever the umask; SQLite gives its `-wal` and `-shm`
/// files the mode of the database (https://sqlite.org/tempfiles.html).
public final class Connection {
  let handle: OpaquePointer
  /// The path the connection was opened with.
  public let path: String

  /// Opens `path`. With `create`, a missing file is made (0600, `O_NOFOLLOW`); without it, a
  /// missing file is `StoreError.databaseMissing`.
  public init(path: String, create: Bool, busyTimeoutMilliseconds: Int32 = 5000) throws(StoreError)
  {
    self.path = path
    if create {
      try Connection.createFile(path)
    } else if access(path, F_OK) != 0 {
      throw .databaseMissing(path: path)
    }
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close_v2(db)
      throw .sqlite(code: rc, message: "\(message): \(path)", sql: nil)
    }
    handle = db
    sqlite3_extended_result_codes(db, 1)
    sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    try execute(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
  }

  deinit { sqlite3_close_v2(handle) }

  /// Creates `path` mode 0600 when it does not exist; an existing file is left as it is.
  static func createFile(_ path: String) throws(StoreError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw .system(operation: "cannot create", path: path, errno: errno) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0, st.st_size == 0, st.st_mode & 0o777 != 0o600 {
      _ = fchmod(fd, 0o600)
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

import CSQLite

extension StoreError {
  /// The one place a SQLite result code (https://sqlite.org/rescode.html) becomes a typed
  /// error: its kind, and a message with `sqlite3_errmsg` and the SQL — never a bound value.
  static func sqlite(code: Int32, message: String, sql: String?) -> StoreError {
    let kind = StoreErrorKind(sqliteCode: code)
    let text: String
    switch kind {
    case .busy: text = "database busy, retry"
    case .corrupt where code & 0xff == SQLITE_NOTADB: text = "not a SQLite database: \(message)"
    case .full: text = "the disk is full; nothing was changed (\(message))"
    case .cannotOpen: text = "cannot open the database: \(message)"
    default:
      let shown = sql.map {
        " (in: \($0.split(whereSeparator: \.isNewline).joined(separator: " ")))"
      }
      text = "database error \(code): \(message)\(shown ?? "")"
    }
    return .engine(kind: kind, message: text)
  }
}

extension StoreErrorKind {
  /// The kind of a SQLite result code, by its primary code (the low byte).
  init(sqliteCode code: Int32) {
    switch code & 0xff {
    case SQLITE_BUSY, SQLITE_LOCKED: self = .busy
    case SQLITE_CANTOPEN: self = .cannotOpen
    case SQLITE_NOTADB, SQLITE_CORRUPT: self = .corrupt
    case SQLITE_FULL: self = .full
    case SQLITE_IOERR: self = .io
    case SQLITE_READONLY: self = .readOnly
    case SQLITE_PERM: self = .permission
    case SQLITE_CONSTRAINT: self = .constraint
    default: self = .other
    }
  }
}

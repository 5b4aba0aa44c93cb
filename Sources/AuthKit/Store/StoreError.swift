import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// What can go wrong in the store. Carries the SQLite code, its message and the SQL text —
/// never a bound value, which may be a hash or a mail body.
public enum StoreError: Error, Sendable {
  /// A SQLite call failed (https://sqlite.org/rescode.html).
  case sqlite(code: Int32, message: String, sql: String?)
  /// The database file does not exist and this command does not create one.
  case databaseMissing(path: String)
  /// The schema is older than this binary: `authctl migrate` brings it up.
  case schemaBehind(current: Int, latest: Int)
  /// The schema is newer than this binary knows.
  case schemaNewer(current: Int, latest: Int)
  /// A file operation failed with `errno`.
  case system(operation: String, path: String, errno: Int32)
  /// The data cannot be adopted as it is (for example two accounts whose emails differ only in
  /// case, before the unique index).
  case conflict(String)
  /// A file authctl will not use or initialise: others can write it, another user created it,
  /// or it was swapped while it was opened (the message says which and what to do).
  case untrusted(String)

  /// The primary result code (the low byte of an extended code), or nil.
  public var primaryCode: Int32? {
    if case .sqlite(let code, _, _) = self { return code & 0xff }
    return nil
  }

  /// True when the database stayed locked past `busy_timeout`.
  public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

  public var message: String {
    switch self {
    case .sqlite(let code, let message, let sql):
      switch code & 0xff {
      case SQLITE_BUSY, SQLITE_LOCKED: return "database busy, retry"
      case SQLITE_NOTADB: return "not a SQLite database: \(message)"
      case SQLITE_FULL: return "the disk is full; nothing was changed (\(message))"
      case SQLITE_CANTOPEN: return "cannot open the database: \(message)"
      default:
        let shown = sql.map {
          " (in: \($0.split(whereSeparator: \.isNewline).joined(separator: " ")))"
        }
        return "database error \(code): \(message)\(shown ?? "")"
      }
    case .databaseMissing(let path):
      return "database \(path) does not exist (create it with 'authctl --db \(path) migrate')"
    case .schemaBehind(let current, let latest):
      return "database schema is at version \(current) of \(latest): run authctl migrate"
    case .schemaNewer(let current, let latest):
      return "database schema version \(current) is newer than this authctl knows (\(latest))"
    case .system(let operation, let path, let errno):
      return "\(operation) \(path): \(String(cString: strerror(errno)))"
    case .conflict(let text), .untrusted(let text):
      return text
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// What can go wrong in the store: a kind and a message, never a bound value (which may be a
/// hash or a mail body). Each adapter turns its engine's codes into these.
public enum StoreError: Error, Sendable {
  /// The engine failed: its adapter chose the kind and wrote the message (code, text, SQL).
  case engine(kind: StoreErrorKind, message: String)
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

  /// The kind, for callers that decide by it (exit statuses, retries).
  public var kind: StoreErrorKind {
    switch self {
    case .engine(let kind, _): return kind
    case .databaseMissing: return .missing
    case .schemaBehind, .schemaNewer: return .schema
    case .system(_, _, let code): return code == EACCES || code == EPERM ? .cannotCreate : .io
    case .conflict: return .conflict
    case .untrusted: return .untrusted
    }
  }

  /// True when the database stayed locked past its timeout.
  public var isBusy: Bool { kind == .busy }

  public var message: String {
    switch self {
    case .engine(_, let message):
      return message
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

/// What kind of store failure happened, whatever the engine: the CLI maps kinds to exit
/// statuses, so no caller needs an engine's codes.
public enum StoreErrorKind: Sendable, Equatable {
  /// Locked by another writer past the timeout, or unreachable for now: retry.
  case busy
  /// The data cannot be taken as it is (two accounts whose emails differ only in case).
  case conflict
  /// A unique, foreign-key or check constraint refused a change.
  case constraint
  /// Not a database of this engine, or damaged.
  case corrupt
  /// The disk (or quota) is full.
  case full
  /// The database can only be read.
  case readOnly
  /// The database exists but cannot be opened.
  case cannotOpen
  /// The database does not exist and this command does not create one.
  case missing
  /// The database file cannot be created (no permission).
  case cannotCreate
  /// A file authctl will not use or initialise (others can write it, another user created it,
  /// or it was swapped while opened).
  case untrusted
  /// The engine was refused access.
  case permission
  /// An I/O error.
  case io
  /// The schema is older or newer than this binary.
  case schema
  /// The database server cannot be reached now (connection refused, timed out, restarting,
  /// or the connection broke mid-command): retry.
  case unreachable
  /// The database server refused the credentials.
  case authentication
  /// This build or this server cannot serve the store (a binary built without PostgreSQL, a
  /// server older than the oldest supported), or the operation does not exist for this store
  /// (a file backup of a database server): the message names what to use instead.
  case unsupported
  /// Anything else: a bug or an engine failure not foreseen.
  case other
}

/// A refusal or failure of a flow, in the words a person reads. The case says which exit
/// status it gets (sysexits.h, see the foundation issue); the text never holds a secret.
public enum FlowError: Error, Sendable, Equatable {
  /// Bad input data: email syntax, malformed token or code, bad import row, account exists (65).
  case invalidInput(String)
  /// An input file is missing or unreadable (66).
  case noInput(String)
  /// No such account (67).
  case noSuchAccount(String)
  /// Refused: wrong password, not confirmed, disabled, locked, invalid/expired/used token or
  /// code, not logged in (77).
  case refused(String)
  /// A needed service is unavailable (69).
  case unavailable(String)
  /// Temporary: retry later (75).
  case tryLater(String)
  /// A file could not be created (73).
  case cannotCreate(String)
  /// An I/O error (74).
  case io(String)
  /// An internal error (70).
  case internalError(String)

  public var message: String {
    switch self {
    case .invalidInput(let m), .noInput(let m), .noSuchAccount(let m), .refused(let m),
      .unavailable(let m),
      .tryLater(let m), .cannotCreate(let m), .io(let m), .internalError(let m):
      return m
    }
  }
}

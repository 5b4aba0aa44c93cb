/// Why a chosen password is refused (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1). The CLI maps
/// it to exit 65 (EX_DATAERR); the message says why and never repeats the password.
public enum PasswordRejection: Error, Sendable, Equatable {
  /// Fewer characters than the minimum (the associated value).
  case tooShort(Int)
  /// More than 72 bytes of UTF-8, bcrypt's limit: refused, never truncated.
  case tooLong
  /// Holds a NUL character, which no C string (and so no bcrypt input) can carry.
  case containsNUL
  /// Holds a line break, tab or other control character (a CRLF script, a pasted escape).
  case controlCharacter
  /// The account's email address or its local part, ignoring case.
  case sameAsEmail
  /// On the list of the 10,000 most common passwords, ignoring case.
  case common
  /// Nothing at all.
  case empty
  /// Known from a breach (`BreachCheck`: the offline corpus or the range API).
  case breached

  public var message: String {
    switch self {
    case .tooShort(let n): return "password too short: at least \(n) characters"
    case .tooLong: return "password too long: at most 72 bytes of UTF-8 (bcrypt's limit)"
    case .containsNUL: return "password refused: it contains a NUL character"
    case .controlCharacter:
      return "password refused: it contains a control character (line break, tab or escape)"
    case .sameAsEmail: return "password refused: it is the account's email address"
    case .common: return "password refused: it is one of the 10,000 most common passwords"
    case .empty: return "password is empty"
    case .breached: return "password refused: this password appears in a breach corpus"
    }
  }
}

/// Why a breached-password check could not be made.
public enum BreachError: Error, Sendable, Equatable {
  /// The corpus file cannot be used (`AUTHCTL_BREACHED_FILE`): missing, untrusted, not HIBP's
  /// format. A configuration error (78).
  case file(String)
  /// The range API could not answer (`AUTHCTL_BREACHED_API`): unreachable, TLS, a status other
  /// than 200. What happens then is `AUTHCTL_BREACHED_MODE`'s.
  case api(String)

  public var message: String {
    switch self {
    case .file(let text): return "AUTHCTL_BREACHED_FILE: \(text)"
    case .api(let text): return "the breached-password API: \(text)"
    }
  }

  /// The text without the setting's name (a `ConfigError` names it itself).
  public var detail: String {
    switch self {
    case .file(let text), .api(let text): return text
    }
  }
}

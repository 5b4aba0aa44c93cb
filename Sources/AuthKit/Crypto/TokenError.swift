/// A refused token. The CLI maps it to exit 77 (EX_NOPERM); the messages leak nothing about
/// which check failed beyond expiry.
public enum TokenError: Error, Sendable, Equatable {
  /// Malformed, forged, wrong key, wrong algorithm, issuer, audience or claim types, not yet
  /// valid.
  case invalid
  /// Past `exp` plus the leeway.
  case expired
  /// Already used (thrown by the flows, which know the account's state; not by the signer).
  case used

  public var message: String {
    switch self {
    case .invalid: return "invalid token"
    case .expired: return "token expired"
    case .used: return "token already used"
    }
  }
}

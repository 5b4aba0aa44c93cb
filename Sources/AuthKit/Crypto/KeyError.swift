/// A key that authctl refuses to work with. The CLI maps it to exit 78 (EX_CONFIG), before
/// anything changes.
public enum KeyError: Error, Sendable, Equatable {
  /// `JWT_SECRET` has this many bytes, fewer than the 32 HS256 needs (RFC 7518 §3.2).
  case shortSecret(Int)

  public var message: String {
    switch self {
    case .shortSecret(let n):
      return "JWT_SECRET is \(n) bytes; at least 32 are needed (RFC 7518 §3.2)"
    }
  }
}

/// What can go wrong in an HTTPS exchange. Messages name the host, never a header value or a
/// body (which may carry a token).
public enum HTTPError: Error, Sendable, Equatable {
  /// The address is not one the client takes (not `https://`, a user part, a bad port).
  case badURL(String)
  /// No address of the host could be reached.
  case connect(String)
  /// The TLS handshake failed: certificate not trusted, wrong host name, protocol.
  case tls(String)
  /// The peer did not answer before the deadline.
  case timeout(String)
  /// The peer broke HTTP/1.1 (RFC 9112) or closed the connection early.
  case protocolViolation(String)
  /// The response's headers or body were larger than the client takes.
  case tooLarge(String)

  /// True when trying again later may succeed: unreachable, timed out, dropped.
  public var isTemporary: Bool {
    switch self {
    case .connect, .timeout, .protocolViolation: return true
    case .badURL, .tls, .tooLarge: return false
    }
  }

  public var message: String {
    switch self {
    case .badURL(let text): return "bad URL: \(text)"
    case .connect(let text): return "cannot connect: \(text)"
    case .tls(let text): return "TLS failed: \(text)"
    case .timeout(let text): return "no answer in time (\(text))"
    case .protocolViolation(let text): return "HTTP protocol error: \(text)"
    case .tooLarge(let text): return "response too large: \(text)"
    }
  }
}

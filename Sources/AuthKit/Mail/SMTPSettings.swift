/// How to reach and talk to an SMTP server (RFC 5321).
public struct SMTPSettings: Sendable {
  /// Transport security of the connection.
  public enum Security: String, Sendable {
    /// Plain text for the whole session.
    case none
    /// Plain connection upgraded with STARTTLS before anything else is sent (RFC 3207);
    /// a server that does not offer it is refused.
    case startTLS
    /// TLS from the first byte (RFC 8314 §3.3, port 465).
    case implicitTLS
  }

  public var host: String
  public var port: Int
  public var security: Security
  public var username: String?
  /// Never printed (a `Secret`), never part of an error.
  public var password: Secret?
  /// Seconds allowed for connecting and for each command's reply.
  public var timeout: Int64
  /// A PEM file of extra trusted CA certificates, beside the system store.
  public var caFile: String?
  /// Allow AUTH over a connection without TLS.
  public var allowPlaintextAuth: Bool
  /// The name sent in EHLO / HELO.
  public var heloName: String
  /// Give the transcript (`C: …` / `S: …`, AUTH redacted) to the client's `transcript`.
  public var debug: Bool

  public init(
    host: String, port: Int = 25, security: Security = .none, username: String? = nil,
    password: String? = nil, timeout: Int64 = 30, caFile: String? = nil,
    allowPlaintextAuth: Bool = false, heloName: String = "localhost", debug: Bool = false
  ) {
    self.host = host
    self.port = port
    self.security = security
    self.username = username
    self.password = password.map(Secret.init)
    self.timeout = timeout
    self.caFile = caFile
    self.allowPlaintextAuth = allowPlaintextAuth
    self.heloName = heloName
    self.debug = debug
  }
}

/// A small HTTPS/1.1 client (RFC 9110, RFC 9112) over authctl's own TLS — `TLSSession` on a
/// `TLSContext.shared` context, so the server's certificate must chain to the system store or
/// the extra CA file and name the host — for the breached-password range API and the
/// notifiers. One request per connection (`Connection: close`), a deadline for the whole
/// exchange, and bounded headers and body.
public struct HTTPClient: Sendable {
  /// Extra CA certificates (PEM) trusted beside the system store (`AUTHCTL_TLS_CA_FILE`).
  public var caFile: String?
  /// Seconds the whole exchange may take: connect, handshake, request and response.
  public var timeout: Int64
  /// The largest body taken, in bytes.
  public var maxBody: Int
  /// The largest header section taken, in bytes (RFC 9112 §2.3 leaves it to the client).
  public static let maxHeaderBytes = 65_536

  public init(caFile: String?, timeout: Int64, maxBody: Int = 4 << 20) {
    self.caFile = caFile
    self.timeout = timeout
    self.maxBody = maxBody
  }

  /// `GET address` with `headers` (beside Host, User-Agent, Accept, Connection).
  public func get(_ address: HTTPSAddress, headers: [(String, String)] = []) throws(HTTPError)
    -> HTTPResponse
  {
    try send("GET", address, headers: headers, body: nil)
  }

  /// `method address` with `headers` and an optional body (sent with Content-Length).
  public func send(
    _ method: String, _ address: HTTPSAddress, headers: [(String, String)], body: [UInt8]?
  ) throws(HTTPError) -> HTTPResponse {
    let request = try Self.request(method, address, headers: headers, body: body)
    let deadline = Deadline.after(seconds: timeout)
    let session = try connect(address, deadline: deadline)
    defer { session.shutdown() }
    let host = address.hostHeader
    do {
      try session.send(request, until: deadline)
      var reader = HTTPResponseReader(session: session, deadline: deadline, maxBody: maxBody)
      return try reader.response(forHead: method == "HEAD")
    } catch {
      throw Self.failure(error, host)
    }
  }

  /// The request's bytes. A name or value with a CR, LF or NUL is refused (no header
  /// injection), as is a method that is not a token.
  static func request(
    _ method: String, _ address: HTTPSAddress, headers: [(String, String)], body: [UInt8]?
  ) throws(HTTPError) -> [UInt8] {
    var lines = [
      "\(method) \(address.target) HTTP/1.1", "Host: \(address.hostHeader)",
      "User-Agent: authctl/\(authctlVersion)", "Accept: */*", "Connection: close",
    ]
    if let body { lines.append("Content-Length: \(body.count)") }
    for (name, value) in headers { lines.append("\(name): \(value)") }
    let unsafe: (UInt8) -> Bool = { $0 == 13 || $0 == 10 || $0 == 0 }
    guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }),
      !lines.joined().utf8.contains(where: unsafe)
    else { throw .protocolViolation("a line break or NUL in the request line or a header") }
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (body ?? [])
  }

  /// A connected, verified TLS session to `address`.
  func connect(_ address: HTTPSAddress, deadline: Deadline) throws(HTTPError) -> TLSSession {
    let context: TLSContext
    do { context = try TLSContext.shared(caFile: caFile) } catch {
      throw .tls(error.message)
    }
    let socket: Socket
    do {
      socket = try Socket.connect(host: address.host, port: address.port, timeout: timeout)
    } catch {
      if case .connect(let text) = error { throw .connect(text) }
      throw .connect(error.message)
    }
    let session: TLSSession
    do { session = try TLSSession(context: context, socket: socket, host: address.host) } catch {
      throw .tls(error.description)
    }
    do { try session.handshake(until: deadline) } catch {
      throw Self.failure(error, address.hostHeader)
    }
    return session
  }

  /// A transport failure as an HTTP error naming `host`.
  static func failure(_ error: any Error, _ host: String) -> HTTPError {
    switch error {
    case let e as HTTPError: return e
    case let e as TransportFailure:
      switch e {
      case .timeout: return .timeout(host)
      case .closed: return .protocolViolation("\(host) closed the connection early")
      case .system(let s): return .connect("\(host): \(s.text)")
      case .tls(let text): return .tls("\(host): \(text)")
      case .protocolViolation(let text): return .protocolViolation("\(host): \(text)")
      }
    default: return .protocolViolation("\(host): \(error)")
    }
  }
}

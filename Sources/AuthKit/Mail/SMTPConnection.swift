/// One SMTP connection: a socket, optionally TLS over it, and a buffer of received bytes cut
/// into lines.
final class SMTPConnection {
  let socket: Socket
  private(set) var tls: TLSSession?
  private var buffer: [UInt8] = []
  /// Longest reply line accepted (RFC 5321 §4.5.3.1.5 allows 512; be generous).
  static let maximumLineLength = 8192

  init(socket: Socket) { self.socket = socket }

  var isEncrypted: Bool { tls != nil }

  /// Starts TLS on the connection; bytes received in clear before it are discarded
  /// (RFC 3207 §4.2).
  func startTLS(context: TLSContext, host: String, until deadline: Deadline)
    throws(TransportFailure)
  {
    buffer.removeAll()
    let session: TLSSession
    do {
      session = try TLSSession(context: context, socket: socket, host: host)
    } catch {
      throw .tls(error.description)
    }
    try session.handshake(until: deadline)
    tls = session
  }

  func send(_ bytes: [UInt8], until deadline: Deadline) throws(TransportFailure) {
    if let tls {
      try tls.send(bytes, until: deadline)
    } else {
      try socket.send(bytes, until: deadline)
    }
  }

  /// The next line without its CRLF (or bare LF).
  func readLine(until deadline: Deadline) throws(TransportFailure) -> [UInt8] {
    var searchFrom = 0
    while true {
      if let lf = buffer[searchFrom...].firstIndex(of: 10) {
        var line = Array(buffer[..<lf])
        buffer.removeFirst(lf + 1)
        if line.last == 13 { line.removeLast() }
        return line
      }
      guard buffer.count <= Self.maximumLineLength else {
        throw .protocolViolation("reply line longer than \(Self.maximumLineLength) bytes")
      }
      searchFrom = buffer.count
      if let tls {
        buffer += try tls.receive(until: deadline)
      } else {
        buffer += try socket.receive(until: deadline)
      }
    }
  }

  /// Ends TLS politely when it is on; the socket closes when the connection is released.
  func close() {
    tls?.shutdown()
  }
}

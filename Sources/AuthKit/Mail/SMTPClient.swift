#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// An SMTP client (RFC 5321) over POSIX sockets and OpenSSL.
///
/// `connect()` opens the session: every address of the host in turn, implicit TLS
/// (RFC 8314) or STARTTLS (RFC 3207, never falling back to clear text), EHLO with HELO fallback,
/// then AUTH PLAIN or LOGIN (RFC 4616, draft-murchison-sasl-login) when a user name is set.
/// `send` runs one mail transaction and `run` a stream of them (`SMTPClient+Transactions`),
/// pipelined when the server offers PIPELINING (RFC 2920); `quit()` ends the session.
/// Each command's reply must come within `settings.timeout` seconds.
public final class SMTPClient {
  public let settings: SMTPSettings
  /// Called with each reply the server gives, for `authctl mail test`.
  public var onReply: ((SMTPStage, SMTPReply) -> Void)?
  /// The capabilities of the last EHLO: keyword (upper case) → parameters.
  public private(set) var capabilities: [String: String] = [:]

  let transcript: ((String) -> Void)?
  var connection: SMTPConnection?
  /// A transaction was opened (MAIL FROM accepted) and abandoned before its content: the next
  /// one starts with RSET (RFC 5321 §4.1.1.5). After the end of DATA the server has cleared the
  /// transaction whatever its reply (§4.1.1.4), so no RSET is needed then.
  var needsReset = false

  /// With `settings.debug`, each line sent (`C: …`) and received (`S: …`) goes to
  /// `transcript` (authctl's observer writes it to stderr); AUTH payloads are replaced by
  /// `****` and the message content by its size. Without `debug` there is no transcript.
  public init(settings: SMTPSettings, transcript: ((String) -> Void)? = nil) {
    self.settings = settings
    self.transcript = transcript
  }

  deinit { connection?.close() }

  /// Whether the session is encrypted.
  public var isEncrypted: Bool { connection?.isEncrypted ?? false }

  /// Connects, greets, secures and authenticates as `settings` ask.
  public func connect() throws(MailError) {
    close()
    let socket = try Socket.connect(
      host: settings.host, port: settings.port, timeout: settings.timeout)
    connection = SMTPConnection(socket: socket)
    needsReset = false
    do throws(MailError) {
      if settings.security == .implicitTLS { try startTLS(stage: .greeting) }
      try expect(readReply(.greeting), [220], .greeting)
      try hello()
      if settings.security == .startTLS {
        guard capabilities["STARTTLS"] != nil else { throw MailError.startTLSUnavailable }
        let reply = try command("STARTTLS", .startTLS)
        guard reply.code == 220 else { throw MailError.startTLSUnavailable }
        try startTLS(stage: .startTLS)
        capabilities = [:]
        try hello()
      }
      if let username = settings.username, !username.isEmpty {
        guard isEncrypted || settings.allowPlaintextAuth else {
          throw MailError.plaintextAuthRefused
        }
        try authenticate(username: username, password: settings.password?.revealed ?? "")
      }
    } catch {
      if case .startTLSUnavailable = error { quit() }
      if case .plaintextAuthRefused = error { quit() }
      close()
      throw error
    }
  }

  /// Sends `message` from `from` to each of `to` in one transaction and returns the server's
  /// final reply to the end of DATA (250). Line ends become CRLF and lines starting with `.`
  /// are dot-stuffed (RFC 5321 §4.5.2).
  @discardableResult
  public func send(from: String, to: [String], message: [UInt8]) throws(MailError) -> SMTPReply {
    var pending: SMTPTransaction? = SMTPTransaction(from: from, to: to, message: message)
    var outcome: Result<SMTPReply, MailError>?
    do {
      try run {
        defer { pending = nil }
        return pending
      } result: { _, result in
        outcome = result
      }
    } catch let error as MailError {
      throw error
    } catch {
      throw .protocolError("\(error)")
    }
    guard let outcome else { throw .protocolError("not connected") }
    return try outcome.get()
  }

  /// Whether the last EHLO offered PIPELINING (RFC 2920).
  public var offersPipelining: Bool { capabilities["PIPELINING"] != nil }

  /// Whether the last EHLO offered 8BITMIME (RFC 6152): a message may then carry an `8bit`
  /// body, sent with `BODY=8BITMIME`.
  public var offers8BitMIME: Bool { capabilities["8BITMIME"] != nil }

  /// Sends QUIT (waiting at most the timeout for its reply) and closes the connection.
  public func quit() {
    guard connection != nil else { return }
    _ = try? command("QUIT", .quit)
    close()
  }

  /// Drops the connection without QUIT.
  func close() {
    connection?.close()
    connection = nil
  }

  /// `message` as DATA content: CRLF line ends, dot-stuffed, ending in `CRLF.CRLF`.
  static func dataBytes(_ message: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(message.count + message.count / 40 + 5)
    var lineStart = true
    var i = 0
    while i < message.count {
      let c = message[i]
      if c == 13 || c == 10 {
        out.append(13)
        out.append(10)
        if c == 13, i + 1 < message.count, message[i + 1] == 10 { i += 1 }
        lineStart = true
      } else {
        if lineStart && c == UInt8(ascii: ".") { out.append(c) }
        out.append(c)
        lineStart = false
      }
      i += 1
    }
    if !lineStart {
      out.append(13)
      out.append(10)
    }
    out.append(contentsOf: [46, 13, 10])
    return out
  }

  /// EHLO, or HELO when the server refuses EHLO with 5xx (RFC 5321 §4.1.4); keeps the
  /// capabilities EHLO lists (§4.1.1.1).
  private func hello() throws(MailError) {
    let reply = try command("EHLO \(settings.heloName)", .ehlo)
    if reply.isPositive {
      capabilities = [:]
      for line in reply.lines.dropFirst() {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard let keyword = parts.first else { continue }
        capabilities[keyword.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
      }
      return
    }
    guard reply.code >= 500 else { throw .rejected(stage: .ehlo, reply: reply) }
    capabilities = [:]
    try expect(command("HELO \(settings.heloName)", .helo), [250], .helo)
  }

  private func startTLS(stage: SMTPStage) throws(MailError) {
    let context = try TLSContext.shared(caFile: settings.caFile)
    try io(stage) { (c) throws(TransportFailure) in
      try c.startTLS(
        context: context, host: settings.host, until: .after(seconds: settings.timeout))
    }
  }
}

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension SMTPClient {
  /// Sends one command line and reads its reply. `shown` replaces the line in the transcript
  /// (AUTH payloads).
  func command(_ line: String, _ stage: SMTPStage, shown: String? = nil) throws(MailError)
    -> SMTPReply
  {
    log("C: \(shown ?? line)")
    try write(Array((line + "\r\n").utf8), stage)
    return try readReply(stage)
  }

  /// Throws `.rejected` unless `reply.code` is one of `codes`.
  func expect(_ reply: SMTPReply, _ codes: [Int], _ stage: SMTPStage) throws(MailError) {
    guard codes.contains(reply.code) else { throw .rejected(stage: stage, reply: reply) }
  }

  func write(_ bytes: [UInt8], _ stage: SMTPStage) throws(MailError) {
    try io(stage) { (c) throws(TransportFailure) in
      try c.send(bytes, until: .after(seconds: settings.timeout))
    }
  }

  /// Reads one reply, single- or multi-line (RFC 5321 §4.2.1), within the timeout.
  func readReply(_ stage: SMTPStage) throws(MailError) -> SMTPReply {
    let deadline = Deadline.after(seconds: settings.timeout)
    var lines: [String] = []
    while true {
      let line = try io(stage) { (c) throws(TransportFailure) in try c.readLine(until: deadline) }
      let text = String(decoding: line, as: UTF8.self)
      log("S: \(text)")
      lines.append(text)
      if SMTPReply.isLast(line) || line.count < 3 { break }
      guard lines.count < 1000 else {
        close()
        throw .protocolError("reply of more than 1000 lines")
      }
    }
    let reply: SMTPReply
    do {
      reply = try SMTPReply.parse(lines)
    } catch {
      close()
      throw error
    }
    onReply?(stage, reply)
    return reply
  }

  /// Runs `body` on the connection and turns transport failures into `MailError`s for
  /// `stage`; after a failure the connection is dropped.
  @discardableResult
  func io<T>(_ stage: SMTPStage, _ body: (SMTPConnection) throws(TransportFailure) -> T)
    throws(MailError) -> T
  {
    guard let connection else { throw .protocolError("not connected") }
    do {
      return try body(connection)
    } catch {
      close()
      switch error {
      case .timeout: throw .timeout(stage: stage)
      case .closed: throw .protocolError("connection closed by the server (\(stage.rawValue))")
      case .system(let e): throw .protocolError("\(e.text) (\(stage.rawValue))")
      case .tls(let text): throw .tls("\(text) (\(settings.host))")
      case .protocolViolation(let text): throw .protocolError(text)
      }
    }
  }

  /// One transcript line (with `debug` only, built only then), to the callback; the server's
  /// text is escaped (`TerminalText`) so a reply cannot drive the terminal.
  func log(_ line: @autoclosure () -> String) {
    guard settings.debug, let transcript else { return }
    transcript(TerminalText.escaped(line()))
  }
}

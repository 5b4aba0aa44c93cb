/// One mail transaction (RFC 5321 §3.3): the envelope and the rendered message.
public struct SMTPTransaction: Sendable {
  /// The reverse-path: an address only, never a display name.
  public var from: String
  public var to: [String]
  /// The message as `MailMessage.render` makes it (not yet dot-stuffed).
  public var message: [UInt8]

  public init(from: String, to: [String], message: [UInt8]) {
    self.from = from
    self.to = to
    self.message = message
  }
}

extension SMTPClient {
  /// Runs the transactions `next` gives, one after another over the open session, until it
  /// gives nil or the connection breaks, calling `result` with each one's outcome, in order:
  /// the final reply to its content (250), or its error.
  ///
  /// - A refusal (`.rejected`) or a refused envelope value (`.headerInjection`) ends that
  ///   transaction only; the next one follows on the same connection (with RSET first when the
  ///   refused one had been opened).
  /// - A timeout or a broken connection is reported for the transaction it hit, then the
  ///   connection is closed and `run` returns: a transaction `next` gave after it has no result
  ///   (it was not tried).
  ///
  /// With PIPELINING (RFC 2920) the envelope (`MAIL FROM`, `RCPT TO`, and `DATA` when there is
  /// one recipient) goes in one write and its replies are read in order (§3.1); the next
  /// transaction's envelope goes in the same write as this one's content (§3.1: the content
  /// may start a group), so a message costs one round trip. A message's `result` then runs
  /// once the next message's content is on its way, so that the caller's work (marking it
  /// sent) overlaps the server's; it always runs after the message's final reply was read.
  /// Without PIPELINING each command waits for its reply and `result` runs at once.
  public func run(
    _ next: () throws -> SMTPTransaction?,
    result: (SMTPTransaction, Result<SMTPReply, MailError>) throws -> Void
  ) throws {
    guard connection != nil else { throw MailError.protocolError("not connected") }
    // Commands the server has (or will have) read while their replies are not read yet: a
    // QUIT now would be taken as message content, so a failure of `next` or `result` then
    // drops the connection instead.
    var midTransaction = false
    // A transaction whose final reply was read and whose result is still to be given.
    var done: (SMTPTransaction, SMTPReply)?
    func report(_ t: SMTPTransaction, _ outcome: Result<SMTPReply, MailError>) throws {
      if let (previous, reply) = done {
        done = nil
        try result(previous, Self.outcome(reply))
      }
      try result(t, outcome)
    }
    // The transaction after the next, asked for while the server works (pipelining only).
    var ahead: SMTPTransaction?
    func pull() throws -> SMTPTransaction? {
      if let a = ahead {
        ahead = nil
        return a
      }
      return try next()
    }
    do {
      var current = try next()
      var written: [SMTPStage]?
      while let t = current {
        midTransaction = written != nil
        if case .failure(let error) = Self.check(t) {
          try report(t, .failure(error))
          (current, written) = (try pull(), nil)
          continue
        }
        let refusal: MailError?
        do throws(MailError) {
          refusal = try envelope(t, written: written)
        } catch {
          try report(t, .failure(error))
          return
        }
        if let refusal {
          midTransaction = false
          try report(t, .failure(refusal))
          (current, written) = (try pull(), nil)
          continue
        }
        midTransaction = true
        var bytes = Self.dataBytes(t.message)
        log("C: <message, \(t.message.count) bytes>")
        log("C: .")
        var following: SMTPTransaction?
        written = nil
        if offersPipelining {
          following = try pull()
          if let f = following, case .success = Self.check(f) {
            let commands = envelopeCommands(f)
            bytes += commandBytes(commands)
            written = commands.map(\.stage)
          }
        }
        do throws(MailError) {
          try write(bytes, .endOfData)
        } catch {
          try report(t, .failure(error))
          return
        }
        if offersPipelining {
          // The server works on this content meanwhile.
          if let (previous, reply) = done {
            done = nil
            try result(previous, Self.outcome(reply))
          }
          if following != nil { ahead = try next() }
        }
        let reply: SMTPReply
        do throws(MailError) {
          reply = try readReply(.endOfData)
        } catch {
          try report(t, .failure(error))
          return
        }
        midTransaction = written != nil
        if offersPipelining {
          done = (t, reply)
          current = following
        } else {
          try result(t, Self.outcome(reply))
          current = try pull()
        }
      }
      if let (previous, reply) = done {
        done = nil
        try result(previous, Self.outcome(reply))
      }
    } catch {
      if midTransaction { close() }
      throw error
    }
  }

  /// The outcome of a final reply to the content: 250 delivered, anything else refused.
  static func outcome(_ reply: SMTPReply) -> Result<SMTPReply, MailError> {
    reply.code == 250 ? .success(reply) : .failure(.rejected(stage: .endOfData, reply: reply))
  }

  /// The envelope values checked for header injection (a line break would start a command).
  static func check(_ t: SMTPTransaction) -> Result<Void, MailError> {
    do throws(MailError) {
      try MailMessage.checkHeaderValue(t.from, field: "MAIL FROM")
      for address in t.to { try MailMessage.checkHeaderValue(address, field: "RCPT TO") }
      return .success(())
    } catch {
      return .failure(error)
    }
  }

  /// The envelope commands of `t` in order: RSET when an abandoned transaction is open,
  /// MAIL FROM, RCPT TO for each recipient, and, when pipelining a single recipient, DATA.
  func envelopeCommands(_ t: SMTPTransaction) -> [(line: String, stage: SMTPStage)] {
    var commands: [(line: String, stage: SMTPStage)] = []
    if needsReset {
      commands.append(("RSET", .reset))
      needsReset = false
    }
    commands.append((mailFrom(t), .mailFrom))
    for address in t.to { commands.append(("RCPT TO:<\(address)>", .rcptTo)) }
    if offersPipelining && t.to.count == 1 { commands.append(("DATA", .data)) }
    return commands
  }

  /// `MAIL FROM:<address>`, with `BODY=8BITMIME` for 8-bit content the server accepts
  /// (RFC 6152 §3).
  func mailFrom(_ t: SMTPTransaction) -> String {
    let body = offers8BitMIME && t.message.contains { $0 >= 0x80 } ? " BODY=8BITMIME" : ""
    return "MAIL FROM:<\(t.from)>\(body)"
  }

  /// The lines of `commands`, each ending CRLF, logged as they go.
  func commandBytes(_ commands: [(line: String, stage: SMTPStage)]) -> [UInt8] {
    var bytes: [UInt8] = []
    for c in commands {
      log("C: \(c.line)")
      bytes += Array(c.line.utf8) + [13, 10]
    }
    return bytes
  }

  /// Sends the envelope of `t` (unless `written` gives the stages of the commands that went
  /// with the previous content) and reads its replies. Returns nil when the server waits for
  /// the content (354), else the first refusal; throws for a timeout or a broken connection.
  private func envelope(_ t: SMTPTransaction, written: [SMTPStage]?) throws(MailError)
    -> MailError?
  {
    guard offersPipelining else { return try lockstepEnvelope(t) }
    var stages: [SMTPStage]
    if let written {
      stages = written
    } else {
      let commands = envelopeCommands(t)
      stages = commands.map(\.stage)
      try write(commandBytes(commands), .mailFrom)
    }
    var refusal: MailError?
    var opened = false
    var last: SMTPReply?
    for stage in stages {
      let reply = try readReply(stage)
      last = reply
      let accepted: Bool
      switch stage {
      case .mailFrom: accepted = reply.code == 250
      case .rcptTo: accepted = reply.code == 250 || reply.code == 251
      case .data: accepted = reply.code == 354
      default: accepted = reply.code == 250
      }
      if stage == .mailFrom && accepted { opened = true }
      if !accepted && refusal == nil { refusal = .rejected(stage: stage, reply: reply) }
    }
    if let refusal {
      if last?.code == 354 {
        // DATA accepted after a refusal (RFC 2920 §3.1 forbids it): the only way out without
        // sending a message is to drop the connection.
        close()
        throw .protocolError("the server accepted DATA after refusing the envelope")
      }
      if opened { needsReset = true }
      return refusal
    }
    if t.to.count != 1 {
      let reply = try command("DATA", .data)
      guard reply.code == 354 else {
        needsReset = true
        return .rejected(stage: .data, reply: reply)
      }
    }
    return nil
  }

  /// The envelope one command at a time, each waiting for its reply (no PIPELINING).
  private func lockstepEnvelope(_ t: SMTPTransaction) throws(MailError) -> MailError? {
    if needsReset {
      needsReset = false
      let reply = try command("RSET", .reset)
      guard reply.code == 250 else { return .rejected(stage: .reset, reply: reply) }
    }
    var reply = try command(mailFrom(t), .mailFrom)
    guard reply.code == 250 else { return .rejected(stage: .mailFrom, reply: reply) }
    for address in t.to {
      reply = try command("RCPT TO:<\(address)>", .rcptTo)
      guard reply.code == 250 || reply.code == 251 else {
        needsReset = true
        return .rejected(stage: .rcptTo, reply: reply)
      }
    }
    reply = try command("DATA", .data)
    guard reply.code == 354 else {
      needsReset = true
      return .rejected(stage: .data, reply: reply)
    }
    return nil
  }
}

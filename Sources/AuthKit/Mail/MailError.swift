/// The step of an SMTP conversation (RFC 5321 §4.1) an error or reply belongs to.
public enum SMTPStage: String, Sendable {
  case greeting, ehlo, helo, startTLS, auth, mailFrom, rcptTo, data, endOfData, reset, quit
}

/// What can go wrong composing, storing or sending mail. Messages never hold a password or a
/// message body.
public enum MailError: Error, Sendable {
  /// A CR, LF or NUL in an address or header value (RFC 5322 §2.2 header injection).
  case headerInjection(field: String)
  /// The sender is not an address or a name-addr (`MailSender`); the reason says why.
  case invalidSender(String)
  /// No address of the server could be reached.
  case connect(String)
  /// The server did not answer within the per-command timeout.
  case timeout(stage: SMTPStage)
  /// The TLS handshake failed (certificate not trusted, wrong host name, protocol).
  case tls(String)
  /// TLS was asked for and the server does not offer or refuses STARTTLS (RFC 3207).
  case startTLSUnavailable
  /// Credentials would have crossed an unencrypted connection.
  case plaintextAuthRefused
  /// The server answered with a 4xx or 5xx reply (or an unexpected one).
  case rejected(stage: SMTPStage, reply: SMTPReply)
  /// The server broke the protocol or dropped the connection.
  case protocolError(String)
  /// The local mailbox file could not be written or read.
  case mailbox(String)
  /// The local mailbox is not one authctl writes into or reads: others can write it, or another
  /// user owns it (a planted file). Exit 77.
  case untrustedMailbox(String)
  /// More than `AUTHCTL_MAIL_PER_HOUR` messages to one address in the last hour: nothing is
  /// queued (the flood guard; it stops mail-bombing through `recover`).
  case floodGuard(recipient: String, limit: Int)

  /// True when trying again later may succeed: unreachable server, timeout, a 4xx reply, a
  /// dropped connection. False for 5xx replies, certificate failures and refused downgrades.
  public var isTemporary: Bool {
    switch self {
    case .connect, .timeout, .protocolError, .floodGuard: return true
    case .rejected(_, let reply): return reply.code < 500
    case .headerInjection, .invalidSender, .tls, .startTLSUnavailable, .plaintextAuthRefused,
      .mailbox,
      .untrustedMailbox:
      return false
    }
  }

  /// One line for `authctl: …`.
  public var message: String {
    switch self {
    case .headerInjection(let field):
      return "refused: line break or NUL in the \(field) header (header injection)"
    case .invalidSender(let reason): return "refused: the sender is not an address: \(reason)"
    case .connect(let text): return "cannot connect to the mail server: \(text)"
    case .timeout(let stage): return "mail server did not answer in time (\(stage.rawValue))"
    case .tls(let text): return "TLS with the mail server failed: \(text)"
    case .startTLSUnavailable:
      return "mail server does not offer STARTTLS; refusing to continue without TLS"
    case .plaintextAuthRefused:
      return "refusing to send the mail password over an unencrypted connection"
        + " (MAIL_ALLOW_PLAINTEXT_AUTH=true allows it)"
    case .rejected(let stage, let reply):
      return "mail server refused \(stage.rawValue): \(reply.code) \(reply.text)"
    case .protocolError(let text): return "mail server protocol error: \(text)"
    case .mailbox(let text): return "mailbox: \(text)"
    case .untrustedMailbox(let text): return text
    case .floodGuard(let recipient, let limit):
      return "too many messages to \(recipient) in the last hour (limit \(limit), "
        + "AUTHCTL_MAIL_PER_HOUR); nothing was sent or changed; try again later"
    }
  }
}

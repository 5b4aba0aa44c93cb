/// What the mail notifiers share: the senders, the Message-IDs, and the rendering of an outbox
/// row as a mail (`MailMessage`: headers, 7bit/8bit/quoted-printable body).
public struct MailComposer: Sendable {
  public let clock: Clock
  /// The senders of the settings, in their written order (`senders()` shuffles them).
  let pool: [MailSender]

  public init(settings: Settings, clock: Clock) {
    self.clock = clock
    pool =
      !settings.mailSenders.isEmpty
      ? settings.mailSenders
      : [
        settings.mailDefaultSender ?? settings.mailUsernameSender
          ?? MailSender(displayName: nil, address: "authctl@localhost")
      ]
  }

  /// The senders to use, in the order to try them for one message: `MAIL_SENDERS` shuffled
  /// (a pool, the original's wish), else `MAIL_DEFAULT_SENDER`, else `MAIL_USERNAME`, else
  /// `authctl@localhost`. Each is an address or a name-addr (`MailSender`), parsed when the
  /// configuration loaded.
  public func senders() throws -> [MailSender] {
    var senders = pool
    for i in stride(from: senders.count - 1, to: 0, by: -1) {
      let j = Int(try Random.uniform(UInt32(i + 1)))
      senders.swapAt(i, j)
    }
    return senders
  }

  /// Refuses a recipient or subject with a CR, LF or NUL (`MailError.headerInjection`, exit
  /// 65) and returns a new Message-ID for the message. The senders need no check here:
  /// `Settings` parsed each when it loaded (`MailSender` refuses a line break or any control
  /// character).
  public func admit(_ notice: Notice, to address: String) throws -> String {
    let senders = try senders()
    try MailMessage.checkHeaderValue(address, field: "To")
    try MailMessage.checkHeaderValue(notice.subject, field: "Subject")
    return try Self.messageID(from: senders[0])
  }

  /// A new Message-ID in the domain of `sender`'s address (RFC 5322 §3.6.4), random from
  /// OpenSSL.
  static func messageID(from sender: MailSender) throws -> String {
    MailMessage.makeMessageID(domain: sender.domain, random: try Random.bytes(16))
  }

  /// The mail of an outbox row, from `from` (a sender's header form), dated now.
  func message(_ item: OutboxItem, from: String) -> MailMessage {
    MailMessage(
      from: from, to: item.recipient, subject: item.subject, body: item.body ?? "",
      date: clock.now().seconds, messageID: item.messageID)
  }

  /// The message of `authctl mail test`, sent straight to the transport (not queued), and its
  /// sender.
  public func testMessage(to: String) throws -> (message: MailMessage, sender: MailSender) {
    let senders = try senders()
    let message = MailMessage(
      from: senders[0].description, to: to, subject: "authctl test message",
      body: "This is a test message from authctl to \(to).\nIf you can read it, mail works.",
      date: clock.now().seconds, messageID: try Self.messageID(from: senders[0]))
    return (message, senders[0])
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// A message a flow wants sent, before it is queued.
public struct MailDraft: Sendable {
  public var kind: String
  public var userID: String?
  public var to: String
  public var subject: String
  public var body: String

  public init(kind: String, userID: String?, to: String, subject: String, body: String) {
    self.kind = kind
    self.userID = userID
    self.to = to
    self.subject = subject
    self.body = body
  }
}

/// What one delivery run did.
public struct DeliveryReport: Sendable {
  public struct Problem: Sendable {
    public var id: Int64
    public var to: String
    public var error: String
  }
  /// Where the mail went: "the mailbox PATH", "HOST:PORT", or "nowhere (MAIL_SUPPRESS_SEND)".
  public var destination: String
  /// The local mailbox the messages went to, when that is the transport.
  public var mailboxPath: String?
  public var delivered: [(id: Int64, to: String)] = []
  public var suppressed = 0
  /// Temporary failures: still queued, with a next-attempt time.
  public var deferred: [Problem] = []
  /// Permanent failures (5xx): marked failed with the server's reply.
  public var failed: [Problem] = []
  /// Due messages not tried because the connection broke; still queued and due.
  public var untried = 0
  /// Extra connections (MAIL_CONNECTIONS) that could not be opened while another carried on.
  public var connectionProblems: [String] = []
}

/// Queues messages in the outbox inside a flow's transaction and delivers them after the
/// commit (issue 4; DESIGN.md "Transactions and I/O").
public final class Mailer {
  public enum Transport: Sendable {
    case suppressed
    case mailbox(path: String)
    case smtp(SMTPSettings)
  }

  public let settings: Settings
  public let clock: Clock
  public var transport: Transport
  /// Hears the progress of a delivery and, with `MAIL_DEBUG`, the SMTP transcript.
  public let observer: any Observer
  /// The senders of the settings, in their written order (`senders()` shuffles them).
  let pool: [MailSender]

  public init(settings: Settings, clock: Clock, observer: any Observer) {
    self.settings = settings
    self.clock = clock
    self.observer = observer
    pool =
      !settings.mailSenders.isEmpty
      ? settings.mailSenders
      : [
        settings.mailDefaultSender ?? settings.mailUsernameSender
          ?? MailSender(displayName: nil, address: "authctl@localhost")
      ]
    if settings.mailSuppressSend {
      transport = .suppressed
    } else if let host = settings.mailServer {
      transport = .smtp(Self.smtpSettings(settings, host: host))
    } else {
      transport = .mailbox(path: Self.mailboxPath(forDatabase: settings.databasePath))
    }
  }

  /// The database path with its extension replaced by `.mbox` (`x.sqlite` → `x.mbox`); for a
  /// PostgreSQL store, which has no file, `authctl.mbox` in the current folder.
  public static func mailboxPath(forDatabase path: String) -> String {
    if StoreLocation(path).isPostgres { return "authctl.mbox" }
    let slash = path.lastIndex(of: "/")
    if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true,
      dot != path.startIndex, path[path.index(before: dot)] != "/"
    {
      return String(path[..<dot]) + ".mbox"
    }
    return path + ".mbox"
  }

  static func smtpSettings(_ s: Settings, host: String) -> SMTPSettings {
    let security: SMTPSettings.Security =
      s.mailUseSSL ? .implicitTLS : s.mailUseTLS ? .startTLS : .none
    var hostname = [CChar](repeating: 0, count: 256)
    gethostname(&hostname, hostname.count - 1)
    let helo = String(
      decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return SMTPSettings(
      host: host, port: s.mailPort, security: security,
      // `Name <address>` logs in as the address.
      username: s.mailUsernameSender?.address ?? s.mailUsername,
      password: s.mailPassword?.revealed,
      timeout: s.mailTimeout.wholeSeconds, caFile: s.mailTLSCAFile,
      allowPlaintextAuth: s.mailAllowPlaintextAuth,
      heloName: helo.isEmpty ? "localhost" : helo, debug: s.mailDebug)
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

  /// Checks the draft (`MailError.headerInjection`, exit 65), applies the flood guard
  /// (`MailError.floodGuard`, exit 75, nothing queued; counted per mailbox, `RecipientKey`)
  /// and queues it. Call inside the flow's
  /// write transaction, so a refusal rolls the whole change back.
  @discardableResult
  public func enqueue(_ tx: any StoreTransaction, _ draft: MailDraft) throws -> Int64 {
    // The senders come from the configuration (MAIL_DEFAULT_SENDER, MAIL_SENDERS): a bad one
    // is refused when the configuration loads.
    let senders = try senders()
    try MailMessage.checkHeaderValue(draft.to, field: "To")
    try MailMessage.checkHeaderValue(draft.subject, field: "Subject")
    // The senders need no check here: `Settings` parsed each when it loaded (`MailSender`
    // refuses a line break or any control character).
    let now = clock.now()
    let limit = settings.mailPerHour
    let recent = try tx.messageCount(recipient: draft.to, since: now - .seconds(3600))
    if recent >= limit {
      let key = RecipientKey.of(draft.to)
      let counted = key == draft.to ? key : "\(draft.to) (counted as \(key))"
      throw MailError.floodGuard(recipient: counted, limit: limit)
    }
    let messageID = try Self.messageID(from: senders[0])
    return try tx.enqueueMessage(
      userID: draft.userID, kind: draft.kind, recipient: draft.to, subject: draft.subject,
      body: draft.body, messageID: messageID, now: now)
  }

  /// A new Message-ID in the domain of `sender`'s address (RFC 5322 §3.6.4), random from
  /// OpenSSL.
  static func messageID(from sender: MailSender) throws -> String {
    MailMessage.makeMessageID(domain: sender.domain, random: try Random.bytes(16))
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

  /// Where mail goes, for messages to a person.
  public var destination: String {
    switch transport {
    case .suppressed: return "nowhere (MAIL_SUPPRESS_SEND)"
    case .mailbox(let path): return "the mailbox \(path)"
    case .smtp(let s): return "\(s.host):\(s.port)"
    }
  }
}

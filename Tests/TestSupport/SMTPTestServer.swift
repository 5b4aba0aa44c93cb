import Foundation

/// A real SMTP server for tests: `smtp_server.py` (aiosmtpd) run by `pythonPath`, on 127.0.0.1
/// and an ephemeral port, with optional TLS, AUTH and injected faults.
///
/// ```swift
/// let server = try SMTPTestServer(.init(tls: .startTLS, authRequired: true,
///                                       username: "u", password: "p"))
/// // … point the client at 127.0.0.1:server.port, caFile TestCertificates.shared.caPath …
/// let mail = try server.received()[0]
/// #expect(mail.subject == "Hello" && mail.body == "Hi\n")
/// ```
///
/// Each accepted message is recorded before the server answers the end of DATA with 250, so
/// after the client's `send` returns, `received()` already holds it. The Python process is
/// stopped by `stop()`, in `deinit`, and when the test process dies (it watches its stdin).
public final class SMTPTestServer: @unchecked Sendable {
  public enum TLSMode: String, Sendable {
    case none
    case startTLS = "starttls"
    case implicit
  }

  /// Replies the server gives instead of the normal ones.
  public struct Faults: Sendable {
    /// Every connection is greeted with `421` and closed.
    public var greeting421 = false
    /// EHLO is answered `502`, so the client must fall back to HELO.
    public var refuseEHLO = false
    /// STARTTLS is offered but answered `454`.
    public var refuseStartTLS = false
    /// Recipient address → reply code at RCPT TO (451, 550…).
    public var rcptReplies: [String: Int] = [:]
    /// Sender address → reply code at MAIL FROM (550…).
    public var mailFromReplies: [String: Int] = [:]
    /// Sender address → reply code at RCPT TO, with Postfix's "Sender address rejected" text
    /// (553 → `553 5.7.1 <s>: Sender address rejected: not owned by user mailer`, 554 → `554
    /// 5.7.1 <s>: … Access denied`), as Postfix refuses with `smtpd_delay_reject=yes`.
    public var rcptSenderReplies: [String: Int] = [:]
    /// The connection is closed, unanswered, when MAIL FROM arrives.
    public var dropAfterMailFrom = false
    /// The reply code at the end of DATA (552…) instead of 250.
    public var dataReply: Int?
    /// After the message content the server never answers (the socket stays open).
    public var hangInData = false
    /// The text of every fault reply above instead of the standard one (may hold ESC).
    public var replyText: String?

    public init(
      greeting421: Bool = false, refuseEHLO: Bool = false, refuseStartTLS: Bool = false,
      rcptReplies: [String: Int] = [:],
      mailFromReplies: [String: Int] = [:], rcptSenderReplies: [String: Int] = [:],
      dropAfterMailFrom: Bool = false, dataReply: Int? = nil, hangInData: Bool = false,
      replyText: String? = nil
    ) {
      self.greeting421 = greeting421
      self.refuseEHLO = refuseEHLO
      self.refuseStartTLS = refuseStartTLS
      self.rcptReplies = rcptReplies
      self.mailFromReplies = mailFromReplies
      self.rcptSenderReplies = rcptSenderReplies
      self.dropAfterMailFrom = dropAfterMailFrom
      self.dataReply = dataReply
      self.hangInData = hangInData
      self.replyText = replyText
    }
  }

  public struct Options: Sendable {
    public var tls: TLSMode
    /// The server's certificate; nil = `TestCertificates.shared.localhost` when TLS is on.
    public var certificate: TestCertificates.ServerCertificate?
    /// Refuse MAIL FROM before a successful AUTH (which is offered on plain connections too).
    public var authRequired: Bool
    public var username: String?
    public var password: String?
    /// AUTH mechanisms offered; nil = PLAIN and LOGIN.
    public var authMechanisms: [String]?
    /// With `.startTLS`: false = the server does not offer STARTTLS at all.
    public var offerStartTLS: Bool
    /// Offer PIPELINING (RFC 2920), as Postfix does; false = each command waits its reply.
    public var pipelining: Bool
    /// Offer 8BITMIME (RFC 6152).
    public var eightBitMIME: Bool
    public var faults: Faults

    public init(
      tls: TLSMode = .none, certificate: TestCertificates.ServerCertificate? = nil,
      authRequired: Bool = false, username: String? = nil, password: String? = nil,
      authMechanisms: [String]? = nil, offerStartTLS: Bool = true, pipelining: Bool = true,
      eightBitMIME: Bool = true, faults: Faults = .init()
    ) {
      self.tls = tls
      self.certificate = certificate
      self.authRequired = authRequired
      self.username = username
      self.password = password
      self.authMechanisms = authMechanisms
      self.offerStartTLS = offerStartTLS
      self.pipelining = pipelining
      self.eightBitMIME = eightBitMIME
      self.faults = faults
    }
  }

  /// One message as the server received it, and as Python's `email` package decodes it.
  public struct ReceivedMessage: Sendable, Decodable {
    public var mailFrom: String
    public var rcptTos: [String]
    /// The DATA content as sent, dot-stuffing removed (CRLF line ends).
    public var data: Data
    /// Whether the message came over TLS (STARTTLS or implicit).
    public var tls: Bool
    public var subject: String
    public var from: String
    public var to: String
    /// `get_content()` of the message, CRLF turned into LF: the decoded text (nil when Python
    /// could not decode it).
    public var body: String?
    /// Every header, decoded, in order.
    public var headers: [[String]]

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
      headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }

    enum CodingKeys: String, CodingKey {
      case mailFrom = "mail_from"
      case rcptTos = "rcpt_tos"
      case data, tls, subject, from, to, body, headers
    }
  }

  public let port: Int
  public let options: Options
  private let server: PythonServer
  private var spool: TempDir { server.spool }
  var spoolDirectory: String { spool.path }

  public init(_ options: Options = .init()) throws {
    self.options = options
    var config: [String: Any] = [
      "tls": options.tls.rawValue, "offer_starttls": options.offerStartTLS,
      "auth_required": options.authRequired, "greeting_421": options.faults.greeting421,
      "refuse_ehlo": options.faults.refuseEHLO,
      "refuse_starttls": options.faults.refuseStartTLS,
      "rcpt_replies": options.faults.rcptReplies,
      "mail_from_replies": options.faults.mailFromReplies,
      "rcpt_sender_replies": options.faults.rcptSenderReplies,
      "drop_after_mail_from": options.faults.dropAfterMailFrom,
      "hang_in_data": options.faults.hangInData,
      "pipelining": options.pipelining, "eightbitmime": options.eightBitMIME,
    ]
    if let u = options.username { config["username"] = u }
    if let p = options.password { config["password"] = p }
    if let m = options.authMechanisms { config["auth_mechanisms"] = m }
    if let d = options.faults.dataReply { config["data_reply"] = d }
    if let t = options.faults.replyText { config["reply_text"] = t }
    if options.tls != .none {
      let cert = options.certificate ?? TestCertificates.shared.localhost
      config["cert"] = cert.certificatePath
      config["key"] = cert.keyPath
    }
    server = try PythonServer(script: "smtp_server.py", config: config, label: "authctl-smtp")
    port = server.port
  }

  /// Stops the server and waits for it. Safe to call more than once.
  public func stop() { server.stop() }

  /// Every message accepted so far, in the order received.
  public func received() throws -> [ReceivedMessage] {
    let names = try FileManager.default.contentsOfDirectory(atPath: spool.path)
      .filter { $0.hasPrefix("msg-") && $0.hasSuffix(".json") }.sorted()
    return try names.map {
      try JSONDecoder().decode(
        ReceivedMessage.self, from: Data(contentsOf: URL(fileURLWithPath: spool.file($0))))
    }
  }

  private struct State: Decodable {
    var connections: Int
    var authCommands: Int
    var rcptSenderRefusals: Int
    var rsets: Int
    var pipelined: Int

    enum CodingKeys: String, CodingKey {
      case connections
      case authCommands = "auth_commands"
      case rcptSenderRefusals = "rcpt_sender_refusals"
      case rsets, pipelined
    }
  }

  private func state() throws -> State {
    try JSONDecoder().decode(
      State.self, from: Data(contentsOf: URL(fileURLWithPath: spool.file("state.json"))))
  }

  /// Whether any client sent an AUTH command.
  public var sawAuth: Bool { get throws { try state().authCommands > 0 } }

  /// How many connections the server accepted.
  public var connections: Int { get throws { try state().connections } }

  /// How many RCPT TO commands were refused for their sender (`rcptSenderReplies`).
  public var rcptSenderRefusals: Int { get throws { try state().rcptSenderRefusals } }

  /// How many RSET commands the server received.
  public var resets: Int { get throws { try state().rsets } }

  /// How many MAIL, RCPT and RSET commands arrived while more input was already waiting:
  /// sent pipelined (RFC 2920), not one at a time.
  public var pipelinedCommands: Int { get throws { try state().pipelined } }

  /// The server's log (aiosmtpd's and Python's messages), for failing tests.
  public var log: String { server.log }
}

extension SMTPTestServer {
  /// The folder where the server writes each message it accepts (`msg-*.json`), for drivers
  /// outside the test process (a pseudo-terminal script waiting for a mailed code).
  public var spoolPath: String { spoolDirectory }
}

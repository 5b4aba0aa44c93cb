#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A plain-text mail as authctl sends it (RFC 5322), rendered with CRLF line ends:
/// `From`, `To`, `Subject` (RFC 2047 encoded-words when not ASCII), `Date`, `Message-ID`,
/// `MIME-Version`, `Content-Type: text/plain; charset=utf-8`, the body in 7bit, 8bit or
/// quoted-printable (`MailEncoding.body`, RFC 2045 §6) and `Auto-Submitted: auto-generated`
/// (RFC 3834 §5).
public struct MailMessage: Sendable, Equatable {
  /// The sender as configured: an address or a name-addr (`MailSender`).
  public var from: String
  public var to: String
  public var subject: String
  public var body: String
  /// Seconds since the epoch.
  public var date: Int64
  /// The Message-ID without its angle brackets.
  public var messageID: String

  public init(
    from: String, to: String, subject: String, body: String, date: Int64, messageID: String
  ) {
    self.from = from
    self.to = to
    self.subject = subject
    self.body = body
    self.date = date
    self.messageID = messageID
  }

  /// Refuses a value that would start a new header or end the header block: CR, LF or NUL.
  public static func checkHeaderValue(_ value: String, field: String) throws(MailError) {
    for byte in value.utf8 where byte == 13 || byte == 10 || byte == 0 {
      throw .headerInjection(field: field)
    }
  }

  /// A Message-ID (RFC 5322 §3.6.4) from caller-supplied random bytes (OpenSSL `RAND_bytes`):
  /// `<hex>@domain`, without the angle brackets.
  public static func makeMessageID(domain: String, random: [UInt8]) -> String {
    let host = domain.isEmpty ? "authctl.invalid" : domain
    return "\(Hex.encode(random))@\(host)"
  }

  /// The message as sent: headers, blank line, body, all lines ending CRLF. The body always
  /// ends with a line break; it goes out as 7bit when ASCII, 8bit when UTF-8 and `eightBit`
  /// (the server offers 8BITMIME, RFC 6152, or a local mailbox), as long as every line fits
  /// in 998 octets; else quoted-printable.
  public func render(eightBit: Bool = false) throws(MailError) -> [UInt8] {
    try Self.checkHeaderValue(from, field: "From")
    let sender: MailSender
    do {
      sender = try MailSender.parse(from)
    } catch {
      throw .invalidSender(error.reason)
    }
    return try render(from: sender, eightBit: eightBit)
  }

  /// `render(eightBit:)` with `from` already parsed (the mailer's senders are parsed once).
  func render(from sender: MailSender, eightBit: Bool) throws(MailError) -> [UInt8] {
    try Self.checkHeaderValue(to, field: "To")
    try Self.checkHeaderValue(subject, field: "Subject")
    try Self.checkHeaderValue(messageID, field: "Message-ID")
    if messageID.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
      throw .headerInjection(field: "Message-ID")
    }
    let (encoding, body) = MailEncoding.body(body, eightBit: eightBit)
    var out = ""
    out += "From: \(sender.headerValue)\r\n"
    out += "To: \(MailEncoding.address(to))\r\n"
    out += "Subject: \(MailEncoding.headerText(subject, nameLength: 9))\r\n"
    out += "Date: \(MailEncoding.rfc5322Date(date))\r\n"
    out += "Message-ID: <\(messageID)>\r\n"
    out += "MIME-Version: 1.0\r\n"
    out += "Content-Type: text/plain; charset=utf-8\r\n"
    out += "Content-Transfer-Encoding: \(encoding.rawValue)\r\n"
    out += "Auto-Submitted: auto-generated\r\n"
    out += "\r\n"
    return Array(out.utf8) + body
  }
}

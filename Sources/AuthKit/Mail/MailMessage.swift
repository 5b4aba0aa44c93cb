#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A plain-text mail as authctl sends it (RFC 5322), rendered with CRLF line ends:
/// `From`, `To`, `Subject` (RFC 2047 encoded-words when not ASCII), `Date`, `Message-ID`,
/// `MIME-Version`, `Content-Type: text/plain; charset=utf-8`, a quoted-printable body
/// (RFC 2045 §6.7) and `Auto-Submitted: auto-generated` (RFC 3834 §5).
public struct MailMessage: Sendable, Equatable {
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

  /// The message as sent: headers, blank line, quoted-printable body, all lines ending CRLF.
  /// The body always ends with a line break.
  public func render() throws(MailError) -> [UInt8] {
    try Self.checkHeaderValue(from, field: "From")
    try Self.checkHeaderValue(to, field: "To")
    try Self.checkHeaderValue(subject, field: "Subject")
    try Self.checkHeaderValue(messageID, field: "Message-ID")
    if messageID.contains("<") || messageID.contains(">") {
      throw .headerInjection(field: "Message-ID")
    }
    var out = ""
    out += "From: \(MailEncoding.address(from))\r\n"
    out += "To: \(MailEncoding.address(to))\r\n"
    out += "Subject: \(MailEncoding.headerText(subject, nameLength: 9))\r\n"
    out += "Date: \(MailEncoding.rfc5322Date(date))\r\n"
    out += "Message-ID: <\(messageID)>\r\n"
    out += "MIME-Version: 1.0\r\n"
    out += "Content-Type: text/plain; charset=utf-8\r\n"
    out += "Content-Transfer-Encoding: quoted-printable\r\n"
    out += "Auto-Submitted: auto-generated\r\n"
    out += "\r\n"
    return Array(out.utf8) + MailEncoding.quotedPrintable(body)
  }
}

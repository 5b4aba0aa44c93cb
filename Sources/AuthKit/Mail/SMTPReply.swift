/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text.
///
/// A multi-line reply repeats the code on each line, with `-` after the code on every line but
/// the last, which has a space or nothing (§4.2.1).
public struct SMTPReply: Sendable, Equatable {
  /// The reply code, 200–599.
  public var code: Int
  /// The text of each line, without the code and its separator.
  public var lines: [String]

  public init(code: Int, lines: [String]) {
    self.code = code
    self.lines = lines
  }

  /// The lines' text on one line, without the code: `5.1.1 no such user`.
  public var text: String { lines.filter { !$0.isEmpty }.joined(separator: " ") }

  /// 2xx.
  public var isPositive: Bool { (200..<300).contains(code) }

  /// Whether a refusal names the sender, not the recipient: any 553 (RFC 5321 §4.2.2,
  /// "mailbox name not allowed", as Postfix refuses a sender a login does not own), or an
  /// enhanced status (RFC 3463) of 5.7.1 (refused by policy), 5.1.7 or 5.1.8 (bad sender's
  /// mailbox or system) whose text speaks of the sender, as Postfix's "553 5.7.1 <a@x>:
  /// Sender address rejected: not owned by user u" or "554 5.7.1 <a@x>: Sender address
  /// rejected: Access denied".
  public var namesSender: Bool {
    if code == 553 { return true }
    let words = text.split(separator: " ", maxSplits: 1)
    guard code >= 500, let status = words.first, ["5.7.1", "5.1.7", "5.1.8"].contains(status)
    else { return false }
    return text.lowercased().contains("sender")
  }

  /// Whether `line` ends a reply: a code followed by a space or nothing (not by `-`).
  static func isLast(_ line: [UInt8]) -> Bool {
    line.count == 3 || (line.count > 3 && line[3] != UInt8(ascii: "-"))
  }

  /// Parses the lines of one reply (without their CRLF). Pure: any input gives a reply or
  /// `MailError.protocolError`.
  public static func parse(_ lines: [String]) throws(MailError) -> SMTPReply {
    guard !lines.isEmpty else { throw .protocolError("empty reply") }
    var code: Int?
    var texts: [String] = []
    for (index, line) in lines.enumerated() {
      let bytes = Array(line.utf8)
      guard bytes.count >= 3, bytes[0] >= UInt8(ascii: "2"), bytes[0] <= UInt8(ascii: "5"),
        bytes[1] >= UInt8(ascii: "0"), bytes[1] <= UInt8(ascii: "9"),
        bytes[2] >= UInt8(ascii: "0"), bytes[2] <= UInt8(ascii: "9")
      else { throw .protocolError("malformed reply line: \(printable(line))") }
      let lineCode = Int(bytes[0] - 48) * 100 + Int(bytes[1] - 48) * 10 + Int(bytes[2] - 48)
      if let code, code != lineCode {
        throw .protocolError("reply codes differ within one reply: \(code), \(lineCode)")
      }
      code = lineCode
      let last = index == lines.count - 1
      if bytes.count > 3 {
        let separator = bytes[3]
        guard separator == (last ? UInt8(ascii: " ") : UInt8(ascii: "-")) else {
          throw .protocolError("malformed reply line: \(printable(line))")
        }
      } else if !last {
        throw .protocolError("reply line without continuation: \(printable(line))")
      }
      texts.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
    }
    return SMTPReply(code: code!, lines: texts)
  }

  /// `text` cut to 200 characters with control characters shown as `?`, for error messages.
  static func printable(_ text: String) -> String {
    String(
      String(text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) })
        .prefix(200))
  }
}

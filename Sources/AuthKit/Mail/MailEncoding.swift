#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

#if canImport(Glibc)
  import Glibc
#endif

/// The encodings a rendered message uses: RFC 2047 encoded-words, RFC 2045 quoted-printable and
/// the RFC 5322 date.
enum MailEncoding {
  /// Bytes of text per encoded-word: 39 bytes are 52 base64 characters, so
  /// `=?utf-8?B?…?=` is 64 characters, under the 75 of RFC 2047 §2, and a first line
  /// `Subject: …` stays under 76.
  static let wordBytes = 39

  /// `text` as a header value: itself when printable ASCII (folded at spaces past 76
  /// characters), else RFC 2047 B encoded-words on folded lines (RFC 5322 §2.2.3).
  static func headerText(_ text: String, nameLength: Int) -> String {
    let ascii = text.utf8.allSatisfy { $0 >= 32 && $0 < 127 }
    let looksEncoded = zip(text.utf8, text.utf8.dropFirst()).contains { $0 == 61 && $1 == 63 }
    if ascii && !looksEncoded { return fold(text, nameLength: nameLength) }
    return encodedWords(text).joined(separator: "\r\n ")
  }

  /// The RFC 2047 B encoded-words for `text`, each holding whole Unicode scalars.
  static func encodedWords(_ text: String) -> [String] {
    var words: [String] = []
    var chunk: [UInt8] = []
    func flush() {
      guard !chunk.isEmpty else { return }
      words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
      chunk = []
    }
    for scalar in text.unicodeScalars {
      let bytes = Array(String(scalar).utf8)
      if chunk.count + bytes.count > wordBytes { flush() }
      chunk += bytes
    }
    flush()
    return words.isEmpty ? ["=?utf-8?B??="] : words
  }

  /// Folds ASCII `text` at spaces so that lines stay near 76 characters (never splitting a word).
  static func fold(_ text: String, nameLength: Int) -> String {
    if nameLength + text.utf8.count <= 76 { return text }
    var result = ""
    var used = nameLength
    for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
      if index == 0 {
        result = String(word)
        used += word.count
      } else if !word.isEmpty && used + 1 + word.count > 76 {
        result += "\r\n " + word
        used = 1 + word.count
      } else {
        result += " " + word
        used += 1 + word.count
      }
    }
    return result
  }

  /// An address header value: as it is when ASCII; `Name <addr>` with a non-ASCII name gets
  /// the name encoded (RFC 2047 §5 (3)).
  static func address(_ value: String) -> String {
    if value.utf8.allSatisfy({ $0 < 128 }) { return value }
    if let open = value.lastIndex(of: "<"), value.hasSuffix(">") {
      let name = value[..<open].trimming(Blanks.spaceAndTab)
      return encodedWords(name).joined(separator: " ") + " " + value[open...]
    }
    return value  // an internationalised address (RFC 6532): sent as UTF-8
  }

  /// `Wed, 25 Nov 2026 12:00:00 +0000` (RFC 5322 §3.3), in UTC.
  static func rfc5322Date(_ seconds: Int64) -> String {
    var t = time_t(seconds)
    var parts = tm()
    gmtime_r(&t, &parts)
    let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = [
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)])"
      + " \(Int(parts.tm_year) + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
      + " +0000"
  }

  /// Splits `text` at CRLF, LF or lone CR.
  static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var out: [ArraySlice<UInt8>] = []
    var start = 0
    var i = 0
    while i < bytes.count {
      if bytes[i] == 13 || bytes[i] == 10 {
        out.append(bytes[start..<i])
        if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
        start = i + 1
      }
      i += 1
    }
    if start < bytes.count { out.append(bytes[start...]) }
    return out
  }

  /// A body's Content-Transfer-Encoding (RFC 2045 §6.1).
  enum TransferEncoding: String {
    case sevenBit = "7bit"
    case eightBit = "8bit"
    case quotedPrintable = "quoted-printable"
  }

  /// The longest line of a 7bit or 8bit body, without its CRLF (RFC 5322 §2.1.1, RFC 2045
  /// §2.7–2.8).
  static let maximumLineLength = 998

  /// `text` as a body, lines ending CRLF: as it is (`7bit` when ASCII; `8bit` when not and
  /// `eightBit` allows it) when no line is longer than 998 octets, there is no NUL and no line
  /// starts with `From ` (an mbox file would show it as `>From `), so a token or a link stays
  /// whole in a reader that does not decode (bsd-mailx); else quoted-printable.
  static func body(_ text: String, eightBit: Bool) -> (TransferEncoding, [UInt8]) {
    var out: [UInt8] = []
    var ascii = true
    var fits = true
    var contiguous = text
    contiguous.withUTF8 { b in
      out.reserveCapacity(b.count + b.count / 30 + 2)
      var column = 0
      var i = 0
      while i < b.count {
        let c = b[i]
        if c == 13 || c == 10 {
          out.append(13)
          out.append(10)
          if c == 13, i + 1 < b.count, b[i + 1] == 10 { i += 1 }
          column = 0
        } else {
          // NUL, a line past 998 octets, or `From ` at a line start (compared when its
          // space arrives) need quoted-printable.
          if c == 0 || column == maximumLineLength
            || (column == 4 && c == 32 && out.suffix(4).elementsEqual("From".utf8))
          {
            fits = false
            return
          }
          if c >= 0x80 { ascii = false }
          out.append(c)
          column += 1
        }
        i += 1
      }
      if column > 0 {
        out.append(13)
        out.append(10)
      }
    }
    if fits && (ascii || eightBit) { return (ascii ? .sevenBit : .eightBit, out) }
    return (.quotedPrintable, quotedPrintable(text))
  }

  /// Quoted-printable (RFC 2045 §6.7) of `text`: line breaks become CRLF hard breaks, output
  /// lines are at most 76 characters with `=` soft breaks, `=`, control and non-ASCII bytes and
  /// whitespace before a break are `=XX`, and `From ` at a line start is `=46rom ` so no mbox
  /// reader mistakes it for a separator.
  static func quotedPrintable(_ text: String) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for line in lines(Array(text.utf8)) {
      var column = 0
      let from = Array("From ".utf8)
      let startsWithFrom = line.starts(with: from)
      for (offset, byte) in line.enumerated() {
        let last = offset == line.count - 1
        let literal =
          (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !last)
        let piece: [UInt8] =
          literal && !(startsWithFrom && offset == 0)
          ? [byte] : [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        // Keep room for the soft-break "=" unless this piece ends the line.
        let limit = last ? 76 : 75
        if column + piece.count > limit {
          out += [61, 13, 10]
          column = 0
        }
        out += piece
        column += piece.count
      }
      out += [13, 10]
    }
    return out
  }
}

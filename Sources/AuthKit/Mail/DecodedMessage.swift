#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A message read back (from the mailbox, for `authctl mail show`): headers unfolded with their
/// RFC 2047 encoded-words decoded, and the body decoded from quoted-printable or base64
/// (RFC 2045 §6) into text with `\n` line ends.
///
/// `parse` accepts any bytes and never traps: unknown parts stay as they are.
public struct DecodedMessage: Sendable {
  public var from: String
  public var to: String
  public var subject: String
  /// The `Date` header as written.
  public var date: String
  /// The Message-ID without angle brackets.
  public var messageID: String
  /// Every header in order, decoded.
  public var headers: [(name: String, value: String)]
  public var body: String

  /// The first header named `name`, compared without case.
  public func header(_ name: String) -> String? {
    let key = name.lowercased()
    return headers.first { $0.name.lowercased() == key }?.value
  }

  /// Decodes `raw` (CRLF or LF line ends). Nil only when there is no header at all.
  public static func parse(_ raw: [UInt8]) -> DecodedMessage? {
    let lines = MailEncoding.lines(raw)
    var headers: [(name: String, value: String)] = []
    var index = 0
    while index < lines.count {
      let line = lines[index]
      if line.isEmpty { break }
      if let first = line.first, first == 32 || first == 9, !headers.isEmpty {
        headers[headers.count - 1].value += String(decoding: line, as: UTF8.self)
      } else if let colon = line.firstIndex(of: 58) {
        let name = String(decoding: line[..<colon], as: UTF8.self).trimming(Blanks.spaceAndTab)
        headers.append((name, String(decoding: line[(colon + 1)...], as: UTF8.self)))
      } else if headers.isEmpty {
        return nil
      }
      index += 1
    }
    guard !headers.isEmpty else { return nil }
    headers = headers.map { ($0.name, HeaderDecoding.decode($0.value)) }
    let bodyLines = index < lines.count ? Array(lines[(index + 1)...]) : []
    var bodyBytes: [UInt8] = []
    for line in bodyLines {
      bodyBytes += line
      bodyBytes.append(10)
    }
    var message = DecodedMessage(
      from: "", to: "", subject: "", date: "", messageID: "", headers: headers, body: "")
    let encoding = (message.header("Content-Transfer-Encoding") ?? "").lowercased()
    if encoding == "quoted-printable" {
      bodyBytes = HeaderDecoding.quotedPrintable(bodyBytes)
    } else if encoding == "base64" {
      let text = String(decoding: bodyBytes.filter { $0 > 32 }, as: UTF8.self)
      bodyBytes = Data(base64Encoded: text).map { Array($0) } ?? bodyBytes
    }
    message.body = String(
      decoding: MailEncoding.lines(bodyBytes).map { Array($0) + [10] }.joined(), as: UTF8.self)
    message.from = message.header("From") ?? ""
    message.to = message.header("To") ?? ""
    message.subject = message.header("Subject") ?? ""
    message.date = message.header("Date") ?? ""
    var id = message.header("Message-ID") ?? ""
    if id.hasPrefix("<") && id.hasSuffix(">") && id.count >= 2 {
      id = String(id.dropFirst().dropLast())
    }
    message.messageID = id
    return message
  }
}

/// Decoders for header values and quoted-printable text.
enum HeaderDecoding {
  /// Unfolded `value`, without leading whitespace, with its RFC 2047 encoded-words decoded; whitespace between two
  /// adjacent encoded-words is dropped (§6.2).
  static func decode(_ value: String) -> String {
    let bytes = Array(value.utf8)
    var out: [UInt8] = []
    var pendingSpace: [UInt8] = []
    var lastWasEncoded = false
    var i = 0
    while i < bytes.count {
      if bytes[i] == 61, i + 1 < bytes.count, bytes[i + 1] == 63,
        let (decoded, end) = encodedWord(bytes, at: i)
      {
        if !lastWasEncoded { out += pendingSpace }
        pendingSpace = []
        out += decoded
        lastWasEncoded = true
        i = end
      } else if bytes[i] == 32 || bytes[i] == 9 {
        pendingSpace.append(bytes[i])
        i += 1
      } else {
        out += pendingSpace
        pendingSpace = []
        out.append(bytes[i])
        lastWasEncoded = false
        i += 1
      }
    }
    out += pendingSpace
    // Drop the whitespace after the colon; trailing whitespace is part of the value.
    return String(decoding: out.drop { $0 == 32 || $0 == 9 }, as: UTF8.self)
  }

  /// The encoded-word `=?charset?B|Q?text?=` starting at `start`: its bytes (as UTF-8) and the
  /// index after it, or nil when it is not one.
  static func encodedWord(_ b: [UInt8], at start: Int) -> ([UInt8], Int)? {
    var parts: [ArraySlice<UInt8>] = []
    var i = start + 2
    var partStart = i
    while i < b.count, parts.count < 2 {
      if b[i] == 63 {
        parts.append(b[partStart..<i])
        partStart = i + 1
      } else if b[i] == 32 || b[i] == 9 {
        return nil
      }
      i += 1
    }
    guard parts.count == 2, parts[1].count == 1 else { return nil }
    var end = partStart
    while end + 1 < b.count, !(b[end] == 63 && b[end + 1] == 61) {
      if b[end] == 32 || b[end] == 9 { return nil }
      end += 1
    }
    guard end + 1 < b.count else { return nil }
    let text = b[partStart..<end]
    let charset = String(decoding: parts[0], as: UTF8.self).lowercased()
    var raw: [UInt8]
    switch parts[1].first! | 0x20 {
    case UInt8(ascii: "b"):
      guard let data = Data(base64Encoded: String(decoding: text, as: UTF8.self)) else {
        return nil
      }
      raw = Array(data)
    case UInt8(ascii: "q"):
      raw = quotedPrintable(Array(text.map { $0 == 95 ? 32 : $0 }))
    default:
      return nil
    }
    if charset.hasPrefix("iso-8859-1") || charset == "latin1" {
      raw = Array(String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) })).utf8)
    }
    return (raw, end + 2)
  }

  /// Decodes quoted-printable bytes (RFC 2045 §6.7): `=XX`, soft breaks `=` at line ends, and
  /// trailing whitespace dropped; anything malformed is kept as it is.
  static func quotedPrintable(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    var i = 0
    while i < b.count {
      let c = b[i]
      if c == 61 {
        if i + 2 < b.count, let h = Hex.value(b[i + 1]), let l = Hex.value(b[i + 2]) {
          out.append(h << 4 | l)
          i += 3
          continue
        }
        // A soft break: "=" then optional whitespace then a line end.
        var j = i + 1
        while j < b.count, b[j] == 32 || b[j] == 9 { j += 1 }
        if j < b.count, b[j] == 13 || b[j] == 10 {
          if b[j] == 13, j + 1 < b.count, b[j + 1] == 10 { j += 1 }
          i = j + 1
          continue
        }
        if j == b.count {
          i = j
          continue
        }
      }
      if c == 32 || c == 9 {
        // Whitespace at a line end was added in transport (§6.7 (3)): drop it.
        var j = i
        while j < b.count, b[j] == 32 || b[j] == 9 { j += 1 }
        if j == b.count || b[j] == 13 || b[j] == 10 {
          i = j
          continue
        }
      }
      out.append(c)
      i += 1
    }
    return out
  }
}

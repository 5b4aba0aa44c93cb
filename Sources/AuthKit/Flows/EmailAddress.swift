/// Email addresses as accounts use them: trimmed and lower-cased, as the original app did, and
/// checked against RFC 5321 §4.5.3.1 (local part ≤ 64 octets, domain ≤ 255, path ≤ 254) and
/// the dot-atom form of RFC 5322 §3.4.1. Quoted local parts and address literals are refused:
/// no mail system an account would use needs them.
public enum EmailAddress {
  /// Characters RFC 5322 §3.2.3 allows in an atom besides letters and digits.
  static let atomSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

  /// The normalised address, or `FlowError.invalidInput` naming what is wrong. Checked in one
  /// pass over the bytes, without copies beyond the lower-cased result (an import checks
  /// millions).
  public static func normalize(_ raw: String) throws(FlowError) -> String {
    let trimmed = raw.trimmingASCIIWhitespace()
    if trimmed.isEmpty { throw invalid(raw, "it is empty") }
    var email = lowercasedASCII(trimmed) ?? trimmed.lowercased()
    var failure: FlowError?
    email.withUTF8 { bytes in
      do throws(FlowError) { try check(bytes, raw) } catch { failure = error }
    }
    if let failure { throw failure }
    return email
  }

  /// `text` lower-cased when it is all ASCII (else nil): a copy only when a letter changes.
  static func lowercasedASCII(_ text: String) -> String? {
    var upper = false
    for c in text.utf8 {
      if c >= 0x80 { return nil }
      if c >= 0x41 && c <= 0x5a { upper = true }
    }
    guard upper else { return text }
    return String(
      decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }, as: UTF8.self)
  }

  static func check(_ bytes: UnsafeBufferPointer<UInt8>, _ raw: String) throws(FlowError) {
    if bytes.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
      throw invalid(raw, "it contains a control character")
    }
    if bytes.contains(0x20) || bytes.contains(0x09) { throw invalid(raw, "it contains a space") }
    if bytes.contains(where: { $0 >= 0x80 }) {
      throw invalid(raw, "it contains a character that is not ASCII")
    }
    guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
      throw invalid(raw, "it has no '@'")
    }
    let local = bytes[..<at]
    let domain = bytes[(at + 1)...]
    if local.isEmpty { throw invalid(raw, "the part before '@' is empty") }
    if domain.isEmpty { throw invalid(raw, "the domain after '@' is empty") }
    if local.count > 64 { throw invalid(raw, "the part before '@' is longer than 64 characters") }
    if domain.count > 255 { throw invalid(raw, "the domain is longer than 255 characters") }
    if bytes.count > 254 { throw invalid(raw, "it is longer than 254 characters") }
    try checkLocal(local, raw)
    try checkDomain(domain, raw)
  }

  /// Dot-separated atoms, each non-empty, of letters, digits and `atomSpecials`: the first
  /// problem from the left is reported.
  static func checkLocal(_ local: Slice<UnsafeBufferPointer<UInt8>>, _ raw: String)
    throws(FlowError)
  {
    let specials = atomSpecials
    var atomLength = 0
    for c in local {
      if c == UInt8(ascii: ".") {
        if atomLength == 0 {
          throw invalid(raw, "the part before '@' has an empty dot-separated part")
        }
        atomLength = 0
        continue
      }
      if !(isLetterOrDigit(c) || specials.contains(c)) {
        throw invalid(
          raw, "the part before '@' contains '\(String(UnicodeScalar(c)))', not allowed there")
      }
      atomLength += 1
    }
    if atomLength == 0 {
      throw invalid(raw, "the part before '@' has an empty dot-separated part")
    }
  }

  /// At least two labels; each non-empty, at most 63 characters of letters, digits and `-`,
  /// not starting or ending with `-`; the last not all digits.
  static func checkDomain(_ domain: Slice<UnsafeBufferPointer<UInt8>>, _ raw: String)
    throws(FlowError)
  {
    if !domain.contains(UInt8(ascii: ".")) { throw invalid(raw, "the domain has no dot") }
    var start = domain.startIndex
    while true {
      let end = domain[start...].firstIndex(of: UInt8(ascii: ".")) ?? domain.endIndex
      let label = domain[start..<end]
      if label.isEmpty { throw invalid(raw, "the domain has an empty label") }
      if label.count > 63 { throw invalid(raw, "a domain label is longer than 63 characters") }
      for c in label where !(isLetterOrDigit(c) || c == UInt8(ascii: "-")) {
        throw invalid(
          raw, "the domain contains '\(String(UnicodeScalar(c)))'; only letters, digits, '-'")
      }
      if label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") {
        throw invalid(raw, "a domain label starts or ends with '-'")
      }
      if end == domain.endIndex {
        if label.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
          throw invalid(raw, "the domain ends in a number")
        }
        return
      }
      start = end + 1
    }
  }

  static func isLetterOrDigit(_ c: UInt8) -> Bool {
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
  }

  static func invalid(_ raw: String, _ why: String) -> FlowError {
    .invalidInput("invalid email address '\(printable(raw))': \(why)")
  }

  /// A normalised address shown to someone who must not learn it whole (the notice to an old
  /// address): its first character, then `…@…` (`new@example.com` → `n…@…`).
  public static func masked(_ email: String) -> String {
    guard let first = email.first, first != "@" else { return "…@…" }
    return "\(first)…@…"
  }

  /// `raw` safe to print on one line: control characters escaped, at most 80 characters.
  static func printable(_ raw: String) -> String {
    var out = ""
    for scalar in raw.unicodeScalars {
      if out.count >= 80 {
        out += "…"
        break
      }
      if scalar.value < 0x20 || scalar.value == 0x7f {
        out += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(2)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

/// A sender as the configuration names it (`MAIL_DEFAULT_SENDER`, `MAIL_SENDERS`,
/// `MAIL_USERNAME`): an RFC 5322 §3.4 `addr-spec` (`accounts@example.com`) or `name-addr`
/// (`Accounts <accounts@example.com>`, `"Accounts, Example" <accounts@example.com>`,
/// `Comptes Élan <accounts@example.com>`), as Flask-Mail users write it.
///
/// The envelope (`MAIL FROM`, RFC 5321 §4.1.2) carries `address` only; the `From:` header
/// carries `headerValue`: the display name as atoms, as a quoted-string (RFC 5322 §3.2.4) when
/// it holds other characters, or as RFC 2047 encoded-words (§5 (3)) when it is not ASCII.
/// `parse` refuses control characters, unbalanced quotes or brackets, text after the address and
/// an address that is not a plain ASCII `local@domain`, so nothing can be injected into a
/// header or a command.
public struct MailSender: Sendable, Hashable, CustomStringConvertible {
  /// The display name, unquoted and unescaped; nil for a bare address.
  public let displayName: String?
  /// The `addr-spec`: `local@domain`, ASCII.
  public let address: String

  /// The longest display name accepted, in characters (the `From:` line stays far under the
  /// 998 octets of RFC 5322 §2.1.1).
  static let maximumNameLength = 200

  /// The domain of the address, for the Message-ID (RFC 5322 §3.6.4).
  public var domain: String {
    address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? address
  }

  /// The `From:` header value: `address`, `Name <address>`, `"Name, Inc." <address>` or
  /// encoded-words then `<address>`, folded between encoded-words.
  public let headerValue: String

  init(displayName: String?, address: String) {
    self.displayName = displayName
    self.address = address
    if let name = displayName, name.unicodeScalars.allSatisfy({ $0.isASCII }) {
      headerValue = "\(Self.phrase(name)) <\(address)>"
    } else if let name = displayName {
      headerValue = MailEncoding.encodedWords(name).joined(separator: "\r\n ") + " <\(address)>"
    } else {
      headerValue = address
    }
  }

  /// The sender as written in a header, without the RFC 2047 encoding: what `authctl config`
  /// shows.
  public var description: String {
    displayName.map { "\(Self.phrase($0)) <\(address)>" } ?? address
  }

  /// `name` as an RFC 5322 phrase: atoms when it is only atext and single spaces, else a
  /// quoted-string with `"` and `\` escaped.
  static func phrase(_ name: String) -> String {
    let plain =
      !name.isEmpty && !name.hasPrefix(" ") && !name.hasSuffix(" ")
      && !name.contains("  ")
      && name.utf8.allSatisfy { $0 == 0x20 || $0 >= 0x80 || isAtext($0) }
    if plain { return name }
    var out = "\""
    for scalar in name.unicodeScalars {
      if scalar == "\"" || scalar == "\\" { out += "\\" }
      out.unicodeScalars.append(scalar)
    }
    return out + "\""
  }

  /// Parses one sender; the error says what is wrong, without echoing more than the value.
  public static func parse(_ text: String) throws(MailSenderError) -> MailSender {
    let trimmed = text.trimming(Blanks.spaceAndTab)
    if trimmed.isEmpty { throw MailSenderError("it is empty") }
    if trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
      throw MailSenderError("it contains a control character")
    }
    guard trimmed.unicodeScalars.contains(where: { $0 == "<" || $0 == ">" }) else {
      return MailSender(displayName: nil, address: try checkAddress(trimmed))
    }
    let (name, address) = try split(trimmed)
    let display = try displayName(name)
    return MailSender(
      displayName: display.isEmpty ? nil : display, address: try checkAddress(address))
  }

  /// A comma-separated list (`MAIL_SENDERS`): commas inside quotes or angle brackets do not
  /// separate; empty entries are skipped.
  public static func parseList(_ text: String) throws(MailSenderError) -> [MailSender] {
    var entries: [String] = []
    var current = ""
    var inQuote = false
    var escaped = false
    var inAngle = false
    for scalar in text.unicodeScalars {
      if escaped {
        escaped = false
      } else if inQuote && scalar == "\\" {
        escaped = true
      } else if scalar == "\"" {
        inQuote.toggle()
      } else if !inQuote && scalar == "<" {
        inAngle = true
      } else if !inQuote && scalar == ">" {
        inAngle = false
      } else if !inQuote && !inAngle && scalar == "," {
        entries.append(current)
        current = ""
        continue
      }
      current.unicodeScalars.append(scalar)
    }
    entries.append(current)
    var senders: [MailSender] = []
    for (index, entry) in entries.enumerated() where !entry.trimming(Blanks.spaceAndTab).isEmpty {
      do {
        senders.append(try parse(entry))
      } catch {
        throw MailSenderError("entry \(index + 1): \(error.reason)")
      }
    }
    return senders
  }

  /// Splits `Name <address>` at the `<` outside quotes; the `>` must end the text.
  private static func split(_ text: String) throws(MailSenderError) -> (String, String) {
    let scalars = Array(text.unicodeScalars)
    var inQuote = false
    var escaped = false
    var open: Int?
    for (i, scalar) in scalars.enumerated() {
      if escaped {
        escaped = false
      } else if inQuote {
        if scalar == "\\" { escaped = true } else if scalar == "\"" { inQuote = false }
      } else if scalar == "\"" {
        inQuote = true
      } else if scalar == "<" {
        if open != nil { throw MailSenderError("it has more than one '<'") }
        open = i
      } else if scalar == ">" {
        guard let start = open else { throw MailSenderError("it has '>' without '<'") }
        guard i == scalars.count - 1 else {
          throw MailSenderError("text follows the address's closing '>'")
        }
        let name = String(String.UnicodeScalarView(scalars[..<start]))
        let address = String(String.UnicodeScalarView(scalars[(start + 1)..<i]))
        return (name, address)
      }
    }
    if inQuote { throw MailSenderError("a double quote is not closed") }
    throw MailSenderError("it has '<' without a closing '>'")
  }

  /// The display name of a `name-addr`: atoms, `.` and non-ASCII text (RFC 6532) as they are,
  /// quoted-strings unquoted, runs of blanks as one space.
  private static func displayName(_ text: String) throws(MailSenderError) -> String {
    var out = ""
    var inQuote = false
    var escaped = false
    var pendingSpace = false
    for scalar in text.unicodeScalars {
      if escaped {
        out.unicodeScalars.append(scalar)
        escaped = false
      } else if inQuote {
        if scalar == "\\" {
          escaped = true
        } else if scalar == "\"" {
          inQuote = false
        } else {
          out.unicodeScalars.append(scalar)
        }
      } else if scalar == " " || scalar == "\t" {
        pendingSpace = !out.isEmpty
      } else {
        if pendingSpace { out += " " }
        pendingSpace = false
        if scalar == "\"" {
          inQuote = true
        } else if scalar.isASCII && !isAtext(UInt8(scalar.value)) && scalar != "." {
          throw MailSenderError(
            "the display name contains '\(scalar)'; put the name in double quotes")
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    if inQuote || escaped { throw MailSenderError("a double quote is not closed") }
    if out.count > maximumNameLength {
      throw MailSenderError("the display name is longer than \(maximumNameLength) characters")
    }
    return out
  }

  /// `local@domain`, ASCII: a dot-atom local part (RFC 5322 §3.4.1) of at most 64 octets and a
  /// domain of letter-digit-hyphen labels (one label, as `localhost`, is allowed), the whole at
  /// most 254 octets (RFC 5321 §4.5.3.1).
  static func checkAddress(_ raw: String) throws(MailSenderError) -> String {
    let address = raw.trimming(Blanks.spaceAndTab)
    let bytes = Array(address.utf8)
    if bytes.isEmpty { throw MailSenderError("the address is empty") }
    if bytes.contains(where: { $0 >= 0x80 }) {
      throw MailSenderError("the address is not ASCII (authctl does not use SMTPUTF8)")
    }
    if let bad = bytes.first(where: { [0x20, 0x22, 0x3c, 0x3e, 0x2c, 0x28, 0x29].contains($0) }) {
      throw MailSenderError(
        "the address contains '\(String(UnicodeScalar(bad)))'; write Name <address>")
    }
    guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
      throw MailSenderError("the address has no '@'")
    }
    let local = bytes[..<at]
    let domain = bytes[(at + 1)...]
    if local.isEmpty || local.count > 64 {
      throw MailSenderError("the part before '@' is empty or longer than 64 characters")
    }
    if domain.isEmpty || domain.count > 255 || bytes.count > 254 {
      throw MailSenderError("the domain is empty, or the address is longer than 254 characters")
    }
    for atom in local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    where atom.isEmpty || !atom.allSatisfy(isAtext) {
      throw MailSenderError("the part before '@' is not a dot-atom (RFC 5322 §3.4.1)")
    }
    for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
      let ldh = label.allSatisfy { EmailAddress.isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
      if label.isEmpty || label.count > 63 || !ldh || label.first == UInt8(ascii: "-")
        || label.last == UInt8(ascii: "-")
      {
        throw MailSenderError("the domain is not letters, digits and '-' between dots")
      }
    }
    return address
  }

  /// RFC 5322 §3.2.3 atext.
  static func isAtext(_ c: UInt8) -> Bool {
    EmailAddress.isLetterOrDigit(c) || EmailAddress.atomSpecials.contains(c)
  }
}

/// Why a sender setting cannot be used.
public struct MailSenderError: Error, Sendable {
  public let reason: String
  init(_ reason: String) { self.reason = reason }
}

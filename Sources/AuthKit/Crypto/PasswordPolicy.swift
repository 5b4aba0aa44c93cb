/// The rules for every password a person chooses (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1):
/// a minimum length in characters, at most 72 bytes of UTF-8, no NUL or other control character, not the account's email,
/// not a common password; no composition rules.
public struct PasswordPolicy: Sendable {
  /// The fewest characters (Swift `Character`s, after NFC) a password may have.
  public let minLength: Int
  /// bcrypt reads at most 72 bytes; a longer password is refused, never truncated.
  public static let maxBytes = 72

  public init(minLength: Int = 12) {
    self.minLength = minLength
  }

  /// The NFC-normalised `password` if it passes every rule, else the first rule it breaks.
  public func check(_ password: String, email: String?) throws(PasswordRejection) -> String {
    if password.isEmpty { throw .empty }
    if password.utf8.contains(0) { throw .containsNUL }
    // CR, LF and the other C0 controls (and DEL) cannot be typed at a prompt; one on stdin is a
    // script's mistake (a CRLF file), refused rather than stored as part of the password.
    if password.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) { throw .controlCharacter }
    let normalized = Self.normalize(password)
    if normalized.utf8.count > Self.maxBytes { throw .tooLong }
    if normalized.count < minLength { throw .tooShort(minLength) }
    if let email, !email.isEmpty {
      let lowered = normalized.lowercased()
      let address = Self.normalize(email).lowercased()
      let local = address.lastIndex(of: "@").map { String(address[..<$0]) } ?? address
      if lowered == address || (!local.isEmpty && lowered == local) {
        throw .sameAsEmail
      }
    }
    if CommonPasswords.contains(normalized) { throw .common }
    return normalized
  }

  /// Unicode Normalization Form C (UAX #15), so that composed and decomposed "é" hash alike.
  /// The one normalisation used before both hashing and verifying. The standard library's own
  /// NFC (what `String` comparison uses), so that no command links Foundation and its ICU data
  /// (issue 14: the start of every process); NFC of assigned characters is stable across Unicode
  /// versions (UAX #15 "Stability"), so hashes made with Foundation's NFC still verify.
  public static func normalize(_ s: String) -> String {
    String(decoding: s._nfcCodeUnits, as: UTF8.self)
  }

  /// A new random password: 16 characters from letters and digits (≈95 bits), from
  /// `RAND_bytes` without modulo bias.
  public static func generate() throws -> String {
    try Random.alphanumeric(16)
  }
}

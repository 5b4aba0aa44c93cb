/// A token as a person pastes it: the bare JWT, or the whole link of the mail
/// (`…/activate_account?electric_mail=…&token=…`), with surrounding blanks and quotes.
public struct TokenInput: Sendable, Equatable {
  public var token: String
  /// The original app's `electric_mail` parameter (a bcrypt hash of the email), when present.
  public var electricMail: String?

  /// Parses `text`; input that is not token-shaped at all is bad input (65), a token of the
  /// right shape that fails verification is refused later (77).
  public static func parse(_ text: String) throws(FlowError) -> TokenInput {
    var s = text.trimmingASCIIWhitespace()
    for q in ["'", "\"", "<"] where s.hasPrefix(q) { s.removeFirst() }
    for q in ["'", "\"", ">"] where s.hasSuffix(q) { s.removeLast() }
    if s.isEmpty { throw .invalidInput("malformed token: it is empty") }
    if s.utf8.count > 16_384 { throw .invalidInput("malformed token: longer than 8 KiB") }
    var electric: String?
    if s.contains("?") || s.contains("token=") {
      let query = s.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
      var token: String?
      for pair in query.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard kv.count == 2 else { continue }
        let value = percentDecode(String(kv[1]))
        switch kv[0] {
        case "token": token = value
        case "electric_mail": electric = value
        default: break
        }
      }
      guard let token, !token.isEmpty else {
        throw .invalidInput("malformed link: it has no token parameter")
      }
      s = token
    }
    if s.utf8.count > 8192 { throw .invalidInput("malformed token: longer than 8 KiB") }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    guard parts.count == 3,
      parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(alphabet.contains) })
    else {
      throw .invalidInput("malformed token: expected three base64url parts separated by dots")
    }
    return TokenInput(token: s, electricMail: electric)
  }

  /// `%XX` escapes and `+` (as a space, form encoding) decoded; invalid escapes kept as is.
  static func percentDecode(_ s: String) -> String {
    var out: [UInt8] = []
    let b = Array(s.utf8)
    var i = 0
    while i < b.count {
      if b[i] == 37, i + 2 < b.count, let h = Hex.value(b[i + 1]), let l = Hex.value(b[i + 2]) {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(b[i] == 43 ? 32 : b[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension TokenInput {
  /// The highest bcrypt cost of an `electric_mail` that is checked: the original app's links
  /// use python bcrypt's default, 12. A higher configured `AUTHCTL_BCRYPT_COST` raises it.
  public static let maxElectricMailCost = 14

  /// Checks the link's `electric_mail`, when it has one, against `email` (the token's claim;
  /// the flow's transaction then checks the account still has that email). Called before the
  /// write transaction, at a bounded cost (DESIGN.md, "slow work stays outside the write
  /// lock"): only bcrypt `$2a$`/`$2b$`/`$2y$` at a cost up to 14, or `configuredCost` when
  /// higher, is computed; any other value is bad input (65) and is not hashed at all. A hash
  /// of another email is refused (77).
  public func checkElectricMail(_ email: String, configuredCost: Int) throws(FlowError) {
    guard let electric = electricMail else { return }
    guard let cost = HashFormat.bcryptCost(electric) else {
      throw .invalidInput("malformed link: electric_mail is not a bcrypt hash ($2a$, $2b$, $2y$)")
    }
    let limit = max(Self.maxElectricMailCost, configuredCost)
    guard cost <= limit else {
      throw .invalidInput(
        "malformed link: electric_mail has bcrypt cost \(cost), more than \(limit); not checked")
    }
    guard ElectricMail.matches(email, electric) else {
      throw .refused(TokenError.invalid.message)
    }
  }
}

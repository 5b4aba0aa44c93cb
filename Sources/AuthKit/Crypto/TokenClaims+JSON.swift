/// Reading and writing the claim set (RFC 7519 §4.1) as JSON.
extension TokenClaims {
  /// The claims in `members`, or nil when a claim has the wrong type: `iat`, `exp` (both
  /// required) and `nbf` whole numbers; `iss` a string; `aud` a string or an array of strings;
  /// `sub` an object with string `email` and `user_id`; `fp`, `code_hash`, `sid`, `code` strings
  /// when present.
  init?(members m: [String: JSONValue]) {
    guard let exp = m["exp"]?.integer, let iat = m["iat"]?.integer,
      let iss = m["iss"]?.string
    else { return nil }
    var nbf: Int64?
    if let v = m["nbf"] {
      guard let n = v.integer else { return nil }
      nbf = n
    }
    var audience: [String]
    switch m["aud"] {
    case .string(let s)?: audience = [s]
    case .array(let items)?:
      audience = []
      for item in items {
        guard let s = item.string else { return nil }
        audience.append(s)
      }
    default: return nil
    }
    guard case .object(let sub)? = m["sub"], let email = sub["email"]?.string,
      let userID = sub["user_id"]?.string
    else { return nil }
    guard let fp = Self.optionalString(m["fp"]), let codeHash = Self.optionalString(m["code_hash"]),
      let sid = Self.optionalString(m["sid"]), let topCode = Self.optionalString(m["code"]),
      let subCode = Self.optionalString(sub["code"])
    else { return nil }
    self.init(
      issuer: iss, audience: audience, issuedAt: iat, expiresAt: exp, notBefore: nbf,
      email: email, userID: userID, fingerprint: fp, codeHash: codeHash, code: topCode ?? subCode,
      sessionID: sid)
  }

  /// The claim set as compact JSON, in the order `iss`, `aud`, `iat`, `exp`, `nbf`, `sub`, `fp`,
  /// `code_hash`, `code`, `sid` (absent optionals left out).
  var json: [UInt8] {
    var w = JSONWriter()
    w.add("iss", issuer)
    w.add("aud", audience)
    w.add("iat", issuedAt)
    w.add("exp", expiresAt)
    if let notBefore { w.add("nbf", notBefore) }
    var sub = JSONWriter()
    sub.add("email", email)
    sub.add("user_id", userID)
    w.add("sub", sub)
    if let fingerprint { w.add("fp", fingerprint) }
    if let codeHash { w.add("code_hash", codeHash) }
    if let code { w.add("code", code) }
    if let sessionID { w.add("sid", sessionID) }
    return w.finished
  }

  /// `.some(nil)` when absent, `.some(s)` for a string, nil (wrong type) for anything else.
  private static func optionalString(_ v: JSONValue?) -> String?? {
    guard let v else { return .some(nil) }
    guard let s = v.string else { return nil }
    return .some(s)
  }
}

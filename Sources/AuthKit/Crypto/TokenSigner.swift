/// Signs and verifies authctl's HS256 JWTs (RFC 7519, RFC 7515 compact form, RFC 7518 §3.2),
/// in the original app's shape so tokens pass between it and authctl when issuer and secret
/// match: header `{"alg":"HS256","typ":"JWT","kid":uuid5(DNS, email)}`, claims `iss`, `aud`
/// (one purpose), `iat`, `exp`, `sub` `{"email","user_id"}`, optional `fp`, `code_hash`, `sid`.
public struct TokenSigner: Sendable {
  private let key: [UInt8]
  /// The `iss` every token carries and must carry.
  public let issuer: String
  /// Seconds of clock skew allowed on `exp` and `nbf` (RFC 7519 §4.1.4), 60 by default.
  public let leeway: Int64

  public init(key: [UInt8], issuer: String, leeway: Int64 = 60) {
    self.key = key
    self.issuer = issuer
    self.leeway = leeway
  }

  /// A token for `purpose`, valid from `issuedAt` for `lifetime` seconds.
  public func sign(
    purpose: TokenPurpose, email: String, userID: String, issuedAt: Int64, lifetime: Int64,
    fingerprint: String? = nil, codeHash: String? = nil, sessionID: String? = nil
  ) throws -> String {
    var header = JSONWriter()
    header.add("alg", "HS256")
    header.add("typ", "JWT")
    header.add("kid", UUID5.dns(email))
    let claims = TokenClaims(
      issuer: issuer, audience: [purpose.rawValue], issuedAt: issuedAt,
      expiresAt: issuedAt + lifetime, email: email, userID: userID, fingerprint: fingerprint,
      codeHash: codeHash, sessionID: sessionID)
    return JWS.signHS256(header: header.finished, payload: claims.json, key: key)
  }

  /// The claims of `token` if it is a valid token for `purpose` at `now`.
  ///
  /// The signature is checked (`JWS.verifyHS256`: size, framing, `alg`, constant-time HMAC)
  /// before any claim is read; then the claim set must be a UTF-8 JSON object with the right
  /// types; then `now > exp + leeway` → `.expired`; `now + leeway < nbf`, another `iss`, or an
  /// `aud` without `purpose` → `.invalid`.
  public func verify(_ token: String, purpose: TokenPurpose, now: Int64) throws(TokenError)
    -> TokenClaims
  {
    guard let payload = JWS.verifyHS256(token: token, key: key),
      let members = JSONValue.object(payload), let claims = TokenClaims(members: members)
    else { throw .invalid }
    let (expiry, overflow) = claims.expiresAt.addingReportingOverflow(leeway)
    if !overflow && now > expiry { throw .expired }
    let (earliest, late) = now.addingReportingOverflow(leeway)
    if let nbf = claims.notBefore, !late && earliest < nbf { throw .invalid }
    guard claims.issuer == issuer, claims.audience.contains(purpose.rawValue) else {
      throw .invalid
    }
    return claims
  }

  /// The purposes (`aud`) of a token whose signature, issuer and claim types are right,
  /// whatever its expiry; nil otherwise. `confirm` takes two kinds of token and asks this
  /// first, then verifies fully for the one it names.
  public func purposes(of token: String) -> [String]? {
    guard let payload = JWS.verifyHS256(token: token, key: key),
      let members = JSONValue.object(payload), let claims = TokenClaims(members: members),
      claims.issuer == issuer
    else { return nil }
    return claims.audience
  }
}

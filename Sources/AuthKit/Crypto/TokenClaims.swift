/// The claims of an authctl token (RFC 7519 §4), in the original app's shape: `sub` is an
/// object `{"email": …, "user_id": …}`.
public struct TokenClaims: Sendable, Equatable {
  /// `iss`.
  public var issuer: String
  /// `aud`: a one-element array when authctl signs; a string or an array when it verifies.
  public var audience: [String]
  /// `iat`, seconds since the epoch.
  public var issuedAt: Int64
  /// `exp`, seconds since the epoch.
  public var expiresAt: Int64
  /// `nbf`, when present.
  public var notBefore: Int64?
  /// `sub.email`.
  public var email: String
  /// `sub.user_id`.
  public var userID: String
  /// `fp`: a keyed fingerprint of the account's state (`Fingerprint`), so a used token stops
  /// verifying.
  public var fingerprint: String?
  /// `code_hash`: a keyed hash of the one-time code (`CodeHash`); the code never travels clear.
  public var codeHash: String?
  /// The clear code in tokens of the original app: top-level `code`, or `sub.code`.
  public var code: String?
  /// `sid`: the session id of a session token.
  public var sessionID: String?

  public init(
    issuer: String, audience: [String], issuedAt: Int64, expiresAt: Int64,
    notBefore: Int64? = nil, email: String, userID: String, fingerprint: String? = nil,
    codeHash: String? = nil, code: String? = nil, sessionID: String? = nil
  ) {
    self.issuer = issuer
    self.audience = audience
    self.issuedAt = issuedAt
    self.expiresAt = expiresAt
    self.notBefore = notBefore
    self.email = email
    self.userID = userID
    self.fingerprint = fingerprint
    self.codeHash = codeHash
    self.code = code
    self.sessionID = sessionID
  }
}

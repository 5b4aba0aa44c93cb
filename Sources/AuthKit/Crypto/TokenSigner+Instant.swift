/// The signer over `Instant` and `Duration`, as flows hold time; the claims themselves are
/// JWT NumericDates, whole seconds since the epoch (RFC 7519 §2).
extension TokenSigner {
  /// A token for `purpose`, valid from `issuedAt` for `lifetime`.
  public func sign(
    purpose: TokenPurpose, email: String, userID: String, issuedAt: Instant, lifetime: Duration,
    fingerprint: String? = nil, codeHash: String? = nil, sessionID: String? = nil
  ) throws -> String {
    try sign(
      purpose: purpose, email: email, userID: userID, issuedAt: issuedAt.seconds,
      lifetime: lifetime.components.seconds, fingerprint: fingerprint, codeHash: codeHash,
      sessionID: sessionID)
  }

  /// The claims of `token` if it is a valid token for `purpose` at `now`.
  public func verify(_ token: String, purpose: TokenPurpose, now: Instant) throws(TokenError)
    -> TokenClaims
  {
    try verify(token, purpose: purpose, now: now.seconds)
  }
}

extension TokenClaims {
  /// `iat` as an instant.
  public var issued: Instant { Instant(seconds: issuedAt) }
  /// `exp` as an instant.
  public var expires: Instant { Instant(seconds: expiresAt) }
}

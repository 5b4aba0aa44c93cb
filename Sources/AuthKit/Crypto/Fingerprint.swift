/// A short keyed fingerprint of an account's state, carried by confirmation and reset tokens
/// (claim `fp`) as Django's PasswordResetTokenGenerator does: once the password hash, the
/// activation or the stamp changes, the token no longer matches, so it is single-use without
/// extra rows.
public enum Fingerprint {
  /// base64url of the first 16 bytes of HMAC-SHA256(key, encoding of the fields), where the
  /// encoding is length-prefixed and marks absent fields (`KeyedEncoding`).
  public static func make(
    key: [UInt8], userID: String, passwordHash: String?, activatedAt: String?, stamp: String?
  ) -> String {
    let message =
      Array("authctl fingerprint v1".utf8)
      + KeyedEncoding.encode([userID, passwordHash, activatedAt, stamp])
    return Base64URL.encode(Array(HMAC.sha256(key: key, message: message).prefix(16)))
  }

  /// The fingerprint a `change_email` token carries: over the account's address, the pending
  /// one, its password hash and stamp, so the token dies once the address changes, a newer
  /// change is asked for (a new stamp), or the password changes.
  public static func emailChange(
    key: [UInt8], userID: String, email: String, pendingEmail: String?, passwordHash: String?,
    stamp: String?
  ) -> String {
    let message =
      Array("authctl email change v1".utf8)
      + KeyedEncoding.encode([userID, email, pendingEmail, passwordHash, stamp])
    return Base64URL.encode(Array(HMAC.sha256(key: key, message: message).prefix(16)))
  }
}

/// A keyed hash of a one-time code, so the code never travels in a token nor sits in the
/// database in clear: HMAC-SHA256 (RFC 2104) over the context and the code.
public enum CodeHash {
  /// base64url of HMAC-SHA256(key, encoding of [context, code]) (`KeyedEncoding`). `context`
  /// binds the code to its use, e.g. the account id and purpose.
  public static func make(key: [UInt8], code: String, context: String) -> String {
    let message = Array("authctl code-hash v1".utf8) + KeyedEncoding.encode([context, code])
    return Base64URL.encode(HMAC.sha256(key: key, message: message))
  }

  /// Whether `hash` is the hash of `code` in `context`, compared in constant time.
  public static func matches(key: [UInt8], code: String, context: String, hash: String) -> Bool {
    constantTimeEquals(Array(make(key: key, code: code, context: context).utf8), Array(hash.utf8))
  }
}

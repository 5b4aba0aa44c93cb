import COpenSSL

/// HMAC (RFC 2104) through OpenSSL's one-shot `EVP_Q_mac`.
public enum HMAC {
  /// HMAC-SHA256 (RFC 2104, RFC 4231), 32 bytes.
  public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var length = 0
    // OpenSSL wants a non-null key pointer even for an empty key.
    let keyBytes = key.isEmpty ? [0] : key
    let result = keyBytes.withUnsafeBytes { k in
      message.withUnsafeBufferPointer { m in
        EVP_Q_mac(
          nil, "HMAC", nil, "SHA256", nil, k.baseAddress, key.count, m.baseAddress, m.count,
          &out, out.count, &length)
      }
    }
    CryptoError.mustSucceed(result != nil && length == 32, "EVP_Q_mac(HMAC-SHA256)")
    return out
  }
}

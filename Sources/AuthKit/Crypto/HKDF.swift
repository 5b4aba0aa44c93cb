import COpenSSL

/// HKDF (RFC 5869) through OpenSSL's `EVP_PKEY_HKDF` key derivation.
public enum HKDF {
  /// HKDF-SHA256 extract-then-expand (RFC 5869 §2): `length` bytes (at most 255 × 32) of
  /// output keying material from `secret`, `salt` and the context string `info`.
  public static func sha256(secret: [UInt8], salt: [UInt8], info: String, length: Int) throws
    -> [UInt8]
  {
    try sha256(secret: secret, salt: salt, info: Array(info.utf8), length: length)
  }

  /// HKDF-SHA256 with `info` as raw bytes (RFC 5869's test vectors use non-UTF-8 info).
  static func sha256(secret: [UInt8], salt: [UInt8], info infoBytes: [UInt8], length: Int) throws
    -> [UInt8]
  {
    guard length > 0, length <= 255 * 32 else {
      throw CryptoError.crypt("HKDF length \(length) outside 1...8160")
    }
    let ctx = try PKeyContext(hkdf: ())
    let p = ctx.pointer
    try CryptoError.check(EVP_PKEY_derive_init(p) == 1, "EVP_PKEY_derive_init")
    try CryptoError.check(
      EVP_PKEY_CTX_set_hkdf_md(p, EVP_sha256()) == 1, "EVP_PKEY_CTX_set_hkdf_md")
    if !salt.isEmpty {
      try CryptoError.check(
        EVP_PKEY_CTX_set1_hkdf_salt(p, salt, Int32(salt.count)) == 1,
        "EVP_PKEY_CTX_set1_hkdf_salt")
    }
    let key = secret.isEmpty ? [0] : secret
    try CryptoError.check(
      EVP_PKEY_CTX_set1_hkdf_key(p, key, Int32(secret.count)) == 1, "EVP_PKEY_CTX_set1_hkdf_key")
    if !infoBytes.isEmpty {
      try CryptoError.check(
        EVP_PKEY_CTX_add1_hkdf_info(p, infoBytes, Int32(infoBytes.count)) == 1,
        "EVP_PKEY_CTX_add1_hkdf_info")
    }
    var out = [UInt8](repeating: 0, count: length)
    var outLength = length
    try CryptoError.check(
      EVP_PKEY_derive(p, &out, &outLength) == 1 && outLength == length, "EVP_PKEY_derive")
    return out
  }
}

/// An OpenSSL `EVP_PKEY_CTX`, freed with `EVP_PKEY_CTX_free` in `deinit`.
final class PKeyContext {
  let pointer: OpaquePointer

  /// A context for the HKDF derivation (`EVP_PKEY_HKDF`).
  init(hkdf: Void) throws(CryptoError) {
    guard let p = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else {
      throw CryptoError.openssl(function: "EVP_PKEY_CTX_new_id(HKDF)")
    }
    pointer = p
  }

  deinit { EVP_PKEY_CTX_free(pointer) }
}

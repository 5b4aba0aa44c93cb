import COpenSSL

/// Message digests through OpenSSL's one-shot `EVP_Digest` (FIPS 180-4).
public enum Digest {
  /// SHA-256 (FIPS 180-4), 32 bytes.
  public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
    digest(bytes, EVP_sha256(), "EVP_Digest(SHA-256)")
  }

  /// SHA-1, 20 bytes: only where a format names it — name-based UUIDs (RFC 4122 §4.3) and
  /// the breached-password corpora (HIBP's lists are of SHA-1 hashes) — never to protect.
  static func sha1(_ bytes: [UInt8]) -> [UInt8] {
    digest(bytes, EVP_sha1(), "EVP_Digest(SHA-1)")
  }

  private static func digest(_ bytes: [UInt8], _ md: OpaquePointer?, _ name: String) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let rc = bytes.withUnsafeBytes { input in
      EVP_Digest(input.baseAddress, input.count, &out, &length, md, nil)
    }
    CryptoError.mustSucceed(rc == 1, name)
    return Array(out.prefix(Int(length)))
  }
}

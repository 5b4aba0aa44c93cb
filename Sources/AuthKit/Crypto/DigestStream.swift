import COpenSSL

/// SHA-256 over data fed in pieces (OpenSSL's `EVP_DigestInit_ex`/`Update`/`Final_ex`), for
/// checksums of streams too large to hold: `db copy`'s per-table checksum.
public final class DigestStream {
  private let context: OpaquePointer

  public init() {
    guard let c = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
    context = c
    CryptoError.mustSucceed(EVP_DigestInit_ex(c, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex")
  }

  deinit { EVP_MD_CTX_free(context) }

  public func update(_ bytes: UnsafeRawBufferPointer) {
    guard bytes.count > 0 else { return }
    CryptoError.mustSucceed(
      EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1, "EVP_DigestUpdate")
  }

  public func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

  /// The digest (32 bytes); the stream cannot be fed after this.
  public func finish() -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    CryptoError.mustSucceed(EVP_DigestFinal_ex(context, &out, &length) == 1, "EVP_DigestFinal_ex")
    return Array(out.prefix(Int(length)))
  }
}

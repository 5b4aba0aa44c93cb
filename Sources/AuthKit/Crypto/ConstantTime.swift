import COpenSSL

/// Whether `a` and `b` hold the same bytes, in time that depends only on their length
/// (OpenSSL `CRYPTO_memcmp`). Lengths differing is not a secret: they are compared first.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
  guard a.count == b.count else { return false }
  if a.isEmpty { return true }
  return a.withUnsafeBytes { x in
    b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 }
  }
}

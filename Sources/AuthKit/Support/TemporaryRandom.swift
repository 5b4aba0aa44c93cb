import COpenSSL

/// Stand-in until the Crypto layer lands: OpenSSL RAND_bytes.
public enum TemporaryRandom {
  public static func bytes(_ n: Int) throws -> [UInt8] {
    var b = [UInt8](repeating: 0, count: n)
    guard RAND_bytes(&b, Int32(n)) == 1 else { throw FlowError.internalError("RAND_bytes failed") }
    return b
  }
}

import COpenSSL

/// Stand-in until the Crypto layer lands: OpenSSL RAND_bytes.
public enum TemporaryRandom {
  public static func bytes(_ n: Int) throws -> [UInt8] {
    var b = [UInt8](repeating: 0, count: n)
    guard RAND_bytes(&b, Int32(n)) == 1 else { throw FlowError.internalError("RAND_bytes failed") }
    return b
  }
}

/// Stand-in until the Crypto layer lands (it deletes this file).
public enum Random {
  public static func bytes(_ n: Int) throws -> [UInt8] { try TemporaryRandom.bytes(n) }
  public static func uuid4() throws -> String {
    var b = try bytes(16)
    b[6] = (b[6] & 0x0f) | 0x40
    b[8] = (b[8] & 0x3f) | 0x80
    let h = Hex.encode(b)
    let c = Array(h)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
      + String(c[16..<20]) + "-" + String(c[20..<32])
  }
}

import COpenSSL

/// Every random value authctl makes: secrets, codes, ids, salts, generated passwords. All come
/// from OpenSSL `RAND_bytes` (a CSPRNG seeded by the OS); a failure throws
/// `CryptoError.randomFailure`, which is fatal (exit 70) — there is no fallback.
public enum Random {
  /// `n` bytes from `RAND_bytes`.
  public static func bytes(_ n: Int) throws -> [UInt8] {
    precondition(n >= 0, "negative byte count")
    if n == 0 { return [] }
    var out = [UInt8](repeating: 0, count: n)
    let rc = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(n)) }
    guard rc == 1 else {
      OpenSSLError.clearQueue()
      throw CryptoError.randomFailure
    }
    return out
  }

  /// A uniform value in `0..<bound` without modulo bias: 32-bit draws below `2^32 mod bound`
  /// are rejected, so every value keeps exactly the same number of preimages.
  public static func uniform(_ bound: UInt32) throws -> UInt32 {
    precondition(bound > 0, "uniform(0)")
    let threshold = (0 &- bound) % bound  // 2^32 mod bound
    while true {
      let b = try bytes(4)
      let x = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
      if x >= threshold { return x % bound }
    }
  }

  /// `n` decimal digits (a one-time code), each drawn uniformly.
  public static func digits(_ n: Int) throws -> String {
    try draw(n, from: Array("0123456789".utf8))
  }

  /// `n` characters from `A–Z a–z 0–9`, each drawn uniformly (≈5.95 bits each).
  public static func alphanumeric(_ n: Int) throws -> String {
    try draw(n, from: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8))
  }

  /// A random UUID (RFC 4122 §4.4, version 4), canonical lower-case text.
  public static func uuid4() throws -> String {
    var b = try bytes(16)
    b[6] = (b[6] & 0x0f) | 0x40  // version 4
    b[8] = (b[8] & 0x3f) | 0x80  // variant 10xx (RFC 4122)
    return UUIDText.format(b)
  }

  private static func draw(_ n: Int, from alphabet: [UInt8]) throws -> String {
    var out: [UInt8] = []
    out.reserveCapacity(n)
    for _ in 0..<n { out.append(alphabet[Int(try uniform(UInt32(alphabet.count)))]) }
    return String(decoding: out, as: UTF8.self)
  }
}

/// The canonical 8-4-4-4-12 text of 16 bytes.
enum UUIDText {
  static let digits = Array("0123456789abcdef".utf8)

  static func format(_ bytes: [UInt8]) -> String {
    precondition(bytes.count == 16)
    var out = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
    var o = 0
    for (i, b) in bytes.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { o += 1 }
      out[o] = digits[Int(b >> 4)]
      out[o + 1] = digits[Int(b & 0x0f)]
      o += 2
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// base64url without padding (RFC 4648 §5, as JWS uses it: RFC 7515 §2 and Appendix C).
public enum Base64URL {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// The unpadded base64url text of `b`.
  public static func encode(_ b: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((b.count * 4 + 2) / 3)
    var i = 0
    while i + 3 <= b.count {
      let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
      out += [sym(n >> 18), sym(n >> 12), sym(n >> 6), sym(n)]
      i += 3
    }
    switch b.count - i {
    case 1:
      let n = UInt32(b[i]) << 16
      out += [sym(n >> 18), sym(n >> 12)]
    case 2:
      let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
      out += [sym(n >> 18), sym(n >> 12), sym(n >> 6)]
    default: break
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes of `s`, or nil unless `s` is canonical unpadded base64url: only `A–Z a–z 0–9 - _`,
  /// no `=`, no white space, no length of 4k+1, and the unused low bits of the last character
  /// zero (RFC 4648 §3.5), so that every byte string has exactly one accepted text.
  public static func decode(_ s: String) -> [UInt8]? {
    let chars = Array(s.utf8)
    if chars.count % 4 == 1 { return nil }
    var values: [UInt32] = []
    values.reserveCapacity(chars.count)
    for c in chars {
      guard let v = value(c) else { return nil }
      values.append(v)
    }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count * 3 / 4)
    var i = 0
    while i + 4 <= values.count {
      let n = values[i] << 18 | values[i + 1] << 12 | values[i + 2] << 6 | values[i + 3]
      out += [UInt8(n >> 16), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
      i += 4
    }
    switch values.count - i {
    case 2:
      guard values[i + 1] & 0x0f == 0 else { return nil }
      out.append(UInt8(values[i] << 2 | values[i + 1] >> 4))
    case 3:
      guard values[i + 2] & 0x03 == 0 else { return nil }
      let n = values[i] << 12 | values[i + 1] << 6 | values[i + 2]
      out += [UInt8(n >> 10), UInt8(n >> 2 & 0xff)]
    default: break
    }
    return out
  }

  private static func sym(_ n: UInt32) -> UInt8 { alphabet[Int(n & 0x3f)] }

  private static func value(_ c: UInt8) -> UInt32? {
    switch c {
    case 65...90: return UInt32(c - 65)
    case 97...122: return UInt32(c - 71)
    case 48...57: return UInt32(c + 4)
    case 45: return 62
    case 95: return 63
    default: return nil
    }
  }
}

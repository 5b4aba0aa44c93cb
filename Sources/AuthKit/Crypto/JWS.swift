/// The JWS compact serialisation (RFC 7515 §7.1) with HMAC-SHA256 (RFC 7518 §3.2): the framing
/// and signature layer under `TokenSigner`, which reads no claim.
enum JWS {
  /// The longest token accepted, in bytes.
  static let maxLength = 8192

  /// `base64url(header).base64url(payload).base64url(HMAC-SHA256(key, signing input))`.
  static func signHS256(header: [UInt8], payload: [UInt8], key: [UInt8]) -> String {
    let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
    return input + "." + Base64URL.encode(HMAC.sha256(key: key, message: Array(input.utf8)))
  }

  /// The payload bytes of `token` if its framing is strict and its HS256 signature is right,
  /// else nil. In order: at most 8 KiB; exactly three parts; each strict base64url; the header
  /// a JSON object with `alg` exactly "HS256" and `typ` absent or "JWT"; a 32-byte signature
  /// equal, in constant time, to HMAC-SHA256 over the raw ASCII `header.payload`. The payload
  /// is not parsed here.
  static func verifyHS256(token: String, key: [UInt8]) -> [UInt8]? {
    let raw = Array(token.utf8)
    guard raw.count <= maxLength else { return nil }
    let parts = raw.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    guard parts.count == 3 else { return nil }
    let texts = parts.map { String(decoding: $0, as: UTF8.self) }
    guard let header = Base64URL.decode(texts[0]), let payload = Base64URL.decode(texts[1]),
      let signature = Base64URL.decode(texts[2])
    else { return nil }
    guard let fields = JSONValue.object(header), fields["alg"] == .string("HS256") else {
      return nil
    }
    if let typ = fields["typ"], typ != .string("JWT") { return nil }
    guard signature.count == 32 else { return nil }
    let input = Array(raw[0..<(parts[0].count + 1 + parts[1].count)])
    guard constantTimeEquals(HMAC.sha256(key: key, message: input), signature) else { return nil }
    return payload
  }
}

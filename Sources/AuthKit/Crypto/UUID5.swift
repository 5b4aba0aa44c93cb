/// Name-based UUIDs, version 5 (RFC 4122 §4.3), SHA-1 through OpenSSL.
public enum UUID5 {
  /// The name space for DNS names (RFC 4122 Appendix C), 6ba7b810-9dad-11d1-80b4-00c04fd430c8.
  static let dnsNamespace: [UInt8] = [
    0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
  ]

  /// uuid5(NAMESPACE_DNS, name), lower-case canonical text: the same as Python's
  /// `str(uuid.uuid5(uuid.NAMESPACE_DNS, name))`. The original app's JWT `kid`.
  public static func dns(_ name: String) -> String {
    var b = Array(Digest.sha1(dnsNamespace + Array(name.utf8)).prefix(16))
    b[6] = (b[6] & 0x0f) | 0x50  // version 5
    b[8] = (b[8] & 0x3f) | 0x80  // variant 10xx
    return UUIDText.format(b)
  }
}

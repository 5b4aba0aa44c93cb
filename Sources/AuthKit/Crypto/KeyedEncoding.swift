/// An unambiguous encoding of a list of optional strings for keyed hashes: per field, `0x00`
/// when absent, else `0x01`, the UTF-8 length as 4 bytes big-endian, then the bytes. No two
/// different lists encode alike, whatever their contents.
enum KeyedEncoding {
  static func encode(_ fields: [String?]) -> [UInt8] {
    var out: [UInt8] = []
    for field in fields {
      guard let field else {
        out.append(0)
        continue
      }
      let bytes = Array(field.utf8)
      let n = UInt32(bytes.count)
      out += [1, UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
      out += bytes
    }
    return out
  }
}

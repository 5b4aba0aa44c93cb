/// Writes compact JSON (RFC 8259) with members in the order given, as JWT headers and claim
/// sets are written: `{"alg":"HS256","typ":"JWT",…}`.
struct JSONWriter {
  private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
  private var first = true

  /// A member whose value is a string.
  mutating func add(_ key: String, _ value: String) { member(key, Self.quoted(value)) }

  /// A member whose value is an integer.
  mutating func add(_ key: String, _ value: Int64) { member(key, Array(String(value).utf8)) }

  /// A member whose value is an array of strings.
  mutating func add(_ key: String, _ values: [String]) {
    member(key, [UInt8(ascii: "[")] + joined(values.map(Self.quoted)) + [UInt8(ascii: "]")])
  }

  /// A member whose value is an object written by another writer.
  mutating func add(_ key: String, _ object: JSONWriter) { member(key, object.finished) }

  /// The object, closed.
  var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }

  private mutating func member(_ key: String, _ value: [UInt8]) {
    if !first { bytes.append(UInt8(ascii: ",")) }
    first = false
    bytes += Self.quoted(key) + [UInt8(ascii: ":")] + value
  }

  private func joined(_ parts: [[UInt8]]) -> [UInt8] {
    Array(parts.joined(separator: [UInt8(ascii: ",")]))
  }

  /// A JSON string: `"` and `\` escaped, control characters as `\u00XX`, the rest raw UTF-8.
  static func quoted(_ s: String) -> [UInt8] {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    let hex = Array("0123456789abcdef".utf8)
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), c]
      case 0x0a: out += Array(#"\n"#.utf8)
      case 0x0d: out += Array(#"\r"#.utf8)
      case 0x09: out += Array(#"\t"#.utf8)
      case 0..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(c >> 4)], hex[Int(c & 0xf)]]
      default: out.append(c)
      }
    }
    out.append(UInt8(ascii: "\""))
    return out
  }
}

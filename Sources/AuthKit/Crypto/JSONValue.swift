/// A parsed JSON value (RFC 8259), strict about types: a number is never a boolean, and a
/// boolean never a number. Used to read JWT headers and claims; `JSONParser` reads it, refusing
/// duplicate names.
indirect enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The members of a JSON object held in `bytes`, which must be valid UTF-8 and strict JSON
  /// with no name twice in any object (`JSONParser`); nil otherwise.
  static func object(_ bytes: [UInt8]) -> [String: JSONValue]? {
    guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
    guard case .object(let members)? = JSONParser.parse(bytes) else { return nil }
    return members
  }

  /// The value as a whole number: a JSON integer, or a number with no fractional part that
  /// fits in 64 bits (`1.0`, `1e3`); nil for anything else (strings, booleans, `1.5`).
  var integer: Int64? {
    switch self {
    case .int(let i): return i
    case .double(let d):
      guard d.isFinite, d == d.rounded(), d >= -9.2e18, d <= 9.2e18 else { return nil }
      return Int64(d)
    default: return nil
    }
  }

  var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}

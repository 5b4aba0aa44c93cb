#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A parsed JSON value (RFC 8259), strict about types: a number is never a boolean, and a
/// boolean never a number. Used to read JWT headers and claims.
indirect enum JSONValue: Decodable, Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int64.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  /// The members of a JSON object held in `bytes`, which must be valid UTF-8; nil otherwise.
  static func object(_ bytes: [UInt8]) -> [String: JSONValue]? {
    guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
    guard case .object(let members)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    else { return nil }
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

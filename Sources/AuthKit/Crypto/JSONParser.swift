/// A strict RFC 8259 parser for token headers and claim sets, which refuses what readers
/// disagree on.
///
/// RFC 8259 §4 says names within an object SHOULD be unique and that readers differ when they
/// are not: Python's `json` (and so PyJWT) keeps the last value, Foundation's decoder the first.
/// RFC 7515 §4 and RFC 7519 §4 say a JWS header or claim set with duplicate names MUST be
/// rejected, so one token is never read two ways by authctl and the original app. Names are
/// compared after their escapes are decoded (`"a"` and `"\u0061"` are one name). Also refused:
/// lone surrogates, control characters in strings, NaN/Infinity, trailing bytes and nesting
/// deeper than 32.
struct JSONParser {
  private let b: [UInt8]
  private var i = 0
  private var depth = 0
  static let maxDepth = 32

  private init(_ bytes: [UInt8]) { b = bytes }

  /// The value in `bytes`, or nil when they are not exactly one strict JSON value.
  static func parse(_ bytes: [UInt8]) -> JSONValue? {
    var p = JSONParser(bytes)
    guard let v = p.value() else { return nil }
    p.blanks()
    return p.i == p.b.count ? v : nil
  }

  private mutating func blanks() {
    while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
  }

  private mutating func literal(_ word: String, _ v: JSONValue) -> JSONValue? {
    let w = Array(word.utf8)
    guard i + w.count <= b.count, Array(b[i..<(i + w.count)]) == w else { return nil }
    i += w.count
    return v
  }

  private mutating func value() -> JSONValue? {
    blanks()
    guard i < b.count else { return nil }
    switch b[i] {
    case UInt8(ascii: "{"): return object()
    case UInt8(ascii: "["): return array()
    case UInt8(ascii: "\""): return string().map { .string($0) }
    case UInt8(ascii: "t"): return literal("true", .bool(true))
    case UInt8(ascii: "f"): return literal("false", .bool(false))
    case UInt8(ascii: "n"): return literal("null", .null)
    default: return number()
    }
  }

  private mutating func object() -> JSONValue? {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maxDepth else { return nil }
    i += 1
    var members: [String: JSONValue] = [:]
    blanks()
    if i < b.count, b[i] == UInt8(ascii: "}") {
      i += 1
      return .object(members)
    }
    while true {
      blanks()
      guard i < b.count, b[i] == UInt8(ascii: "\""), let name = string() else { return nil }
      blanks()
      guard i < b.count, b[i] == UInt8(ascii: ":") else { return nil }
      i += 1
      guard let v = value(), members.updateValue(v, forKey: name) == nil else { return nil }
      blanks()
      guard i < b.count else { return nil }
      i += 1
      if b[i - 1] == UInt8(ascii: "}") { return .object(members) }
      guard b[i - 1] == UInt8(ascii: ",") else { return nil }
    }
  }

  private mutating func array() -> JSONValue? {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maxDepth else { return nil }
    i += 1
    var items: [JSONValue] = []
    blanks()
    if i < b.count, b[i] == UInt8(ascii: "]") {
      i += 1
      return .array(items)
    }
    while true {
      guard let v = value() else { return nil }
      items.append(v)
      blanks()
      guard i < b.count else { return nil }
      i += 1
      if b[i - 1] == UInt8(ascii: "]") { return .array(items) }
      guard b[i - 1] == UInt8(ascii: ",") else { return nil }
    }
  }

  /// `-? int frac? exp?` (RFC 8259 §6): an integer that fits in 64 bits is `.int`, anything
  /// else a finite `.double`.
  private mutating func number() -> JSONValue? {
    let start = i
    func digits() -> Int {
      let s = i
      while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
      return i - s
    }
    if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
    let intStart = i
    let n = digits()
    guard n > 0, !(n > 1 && b[intStart] == 0x30) else { return nil }
    var integral = true
    if i < b.count, b[i] == UInt8(ascii: ".") {
      i += 1
      guard digits() > 0 else { return nil }
      integral = false
    }
    if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
      i += 1
      if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
      guard digits() > 0 else { return nil }
      integral = false
    }
    let text = String(decoding: b[start..<i], as: UTF8.self)
    if integral, let v = Int64(text) { return .int(v) }
    guard let d = Double(text), d.isFinite else { return nil }
    return .double(d)
  }

  private mutating func hex4() -> UInt32? {
    guard i + 4 <= b.count else { return nil }
    var v: UInt32 = 0
    for k in 0..<4 {
      let c = b[i + k]
      let d: UInt8
      switch c {
      case 0x30...0x39: d = c - 0x30
      case 0x41...0x46: d = c - 0x37
      case 0x61...0x66: d = c - 0x57
      default: return nil
      }
      v = v << 4 | UInt32(d)
    }
    i += 4
    return v
  }

  /// A string with its escapes decoded; the input is already known to be valid UTF-8.
  private mutating func string() -> String? {
    i += 1
    var out: [UInt8] = []
    while i < b.count {
      let c = b[i]
      i += 1
      switch c {
      case UInt8(ascii: "\""):
        return String(decoding: out, as: UTF8.self)
      case 0..<0x20:
        return nil
      case UInt8(ascii: "\\"):
        guard i < b.count else { return nil }
        let e = b[i]
        i += 1
        let simple: [UInt8: UInt8] = [
          0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D,
          0x74: 0x09,
        ]
        if let s = simple[e] {
          out.append(s)
          continue
        }
        guard e == UInt8(ascii: "u"), var u = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(u) {
          guard i + 1 < b.count, b[i] == 0x5C, b[i + 1] == UInt8(ascii: "u") else { return nil }
          i += 2
          guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
          u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(u) {
          return nil
        }
        guard let scalar = Unicode.Scalar(u) else { return nil }
        out += Array(String(Character(scalar)).utf8)
      default:
        out.append(c)
      }
    }
    return nil
  }
}

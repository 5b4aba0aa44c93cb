/// Writes JSON (RFC 8259) into a sink as it goes, compact, with members in the order given —
/// the one JSON writer: tokens' headers and claim sets (`{"alg":"HS256","typ":"JWT",…}`) and
/// authctl's `--format json|jsonl` rows, streamed into its stdout buffer.
///
/// Strings (RFC 8259 §7): quote, backslash and U+0000–U+001F escaped (`\n`, `\r`, `\t`, else
/// `\u00XX`); so are DEL, the C1 controls and the bidi formatting characters
/// (`TerminalText.needsEscape`), as `\uXXXX` — still the same JSON value, and JSON shown on a
/// terminal is as safe as a table. Bytes that are not UTF-8 are read as U+FFFD.
///
/// The methods are inlinable so that authctl's writer over its `Output` is specialised: a
/// million rows stream as fast as hand-written code.
public struct JSONWriter<Sink: ByteSink> {
  public var sink: Sink
  /// No member written yet in the object being written.
  @usableFromInline var first = true

  @inlinable public init(into sink: Sink) { self.sink = sink }

  // MARK: Objects

  /// `{`.
  @inlinable public mutating func beginObject() {
    sink.write(UInt8(ascii: "{"))
    first = true
  }

  /// A member's name and colon, after a comma unless it is the first; its value follows.
  @inlinable public mutating func key(_ key: JSONKey) {
    if !first { sink.write(UInt8(ascii: ",")) }
    first = false
    key.bytes.withUnsafeBytes { sink.write($0) }
  }

  /// `}`; a member that held this object is written.
  @inlinable public mutating func endObject() {
    sink.write(UInt8(ascii: "}"))
    first = false
  }

  // MARK: Values

  /// A string from UTF-8 bytes.
  @inlinable public mutating func string(_ raw: UnsafeBufferPointer<UInt8>) {
    sink.write(UInt8(ascii: "\""))
    if raw.contains(where: { $0 >= 0x7f }) {
      // Outside ASCII: scalar by scalar, for DEL, C1 and bidi; runs of the rest copied.
      var pending: [UInt8] = []
      for s in String(decoding: raw, as: UTF8.self).unicodeScalars {
        guard s.value >= 0x7f, TerminalText.needsEscape(s) else {
          pending += Array(String(s).utf8)
          continue
        }
        pending.withUnsafeBufferPointer { ascii($0) }
        pending.removeAll(keepingCapacity: true)
        escape(s.value)
      }
      pending.withUnsafeBufferPointer { ascii($0) }
    } else {
      ascii(raw)
    }
    sink.write(UInt8(ascii: "\""))
  }

  /// A string.
  @inlinable public mutating func string(_ s: String) {
    var s = s
    s.withUTF8 { string($0) }
  }

  /// A whole number.
  @inlinable public mutating func integer(_ n: some BinaryInteger) {
    var text = String(n)
    text.withUTF8 { sink.write(UnsafeRawBufferPointer($0)) }
  }

  /// `true` or `false`.
  @inlinable public mutating func bool(_ b: Bool) { literal(b ? "true" : "false") }

  /// `null`.
  @inlinable public mutating func null() { literal("null") }

  /// An array of strings.
  @inlinable public mutating func strings(_ items: [String]) {
    sink.write(UInt8(ascii: "["))
    for (i, item) in items.enumerated() {
      if i > 0 { sink.write(UInt8(ascii: ",")) }
      string(item)
    }
    sink.write(UInt8(ascii: "]"))
  }

  // MARK: Pieces

  /// Text written as it is (`true`, a separator between rows).
  @inlinable public mutating func literal(_ text: StaticString) {
    sink.write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// The inside of a string: quote, backslash and C0 controls escaped, runs between them
  /// copied whole.
  @inlinable mutating func ascii(_ bytes: UnsafeBufferPointer<UInt8>) {
    var start = 0
    for (i, b) in bytes.enumerated() where b < 0x20 || b == 34 || b == 92 {
      if i > start {
        sink.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i])))
      }
      switch b {
      case 34: literal("\\\"")
      case 92: literal("\\\\")
      case 10: literal("\\n")
      case 13: literal("\\r")
      case 9: literal("\\t")
      default: escape(UInt32(b))
      }
      start = i + 1
    }
    if start < bytes.count {
      sink.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
    }
  }

  /// `\uXXXX` (lower-case hex) for a scalar of the Basic Multilingual Plane.
  @inlinable mutating func escape(_ value: UInt32) {
    literal("\\u")
    for shift in stride(from: 12, through: 0, by: -4) {
      let digit = UInt8((value >> UInt32(shift)) & 0xf)
      sink.write(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
    }
  }
}

/// A member's name, quoted and followed by its colon once (`"email":`), for writing often.
public struct JSONKey: Sendable {
  public let bytes: [UInt8]

  public init(_ name: String) {
    var w = JSONWriter(into: [UInt8]())
    w.string(name)
    bytes = w.sink + [UInt8(ascii: ":")]
  }
}

extension JSONWriter where Sink == [UInt8] {
  /// A compact object built member by member (a token's header, its claim set).
  init() {
    self.init(into: [])
    beginObject()
  }

  /// A member whose value is a string.
  mutating func add(_ name: String, _ value: String) {
    key(JSONKey(name))
    string(value)
  }

  /// A member whose value is an integer.
  mutating func add(_ name: String, _ value: Int64) {
    key(JSONKey(name))
    integer(value)
  }

  /// A member whose value is an array of strings.
  mutating func add(_ name: String, _ values: [String]) {
    key(JSONKey(name))
    strings(values)
  }

  /// A member whose value is an object built by another writer.
  mutating func add(_ name: String, _ object: JSONWriter) {
    key(JSONKey(name))
    object.finished.withUnsafeBytes { sink.write($0) }
  }

  /// The object, closed.
  var finished: [UInt8] {
    var w = self
    w.endObject()
    return w.sink
  }
}

import AuthKit

/// A JSON value written as one indented document (RFC 8259), members in the order given —
/// for reports that are not rows (`users export --user`, `stats`, `prune`). Strings go through
/// `JSONWriter`, so they are escaped as every JSON authctl writes (controls, DEL, C1 and bidi
/// characters too).
indirect enum JSONDocument {
  case string(String)
  case integer(Int64)
  case number(Double)
  case bool(Bool)
  case null
  case array([JSONDocument])
  case object([(String, JSONDocument)])

  /// A string, or null.
  static func text(_ value: String?) -> JSONDocument { value.map(JSONDocument.string) ?? .null }

  static func int(_ value: Int) -> JSONDocument { .integer(Int64(value)) }

  /// An instant as ISO-8601 UTC text (`Instant.description`), or null.
  static func time(_ value: Instant?) -> JSONDocument { value.map { .string("\($0)") } ?? .null }

  /// The document, two spaces an indent, with a final line end.
  var rendered: String {
    var out = ""
    write(into: &out, indent: "")
    return out + "\n"
  }

  private func write(into out: inout String, indent: String) {
    switch self {
    case .string(let s): out += Self.quoted(s)
    case .integer(let n): out += String(n)
    case .number(let x): out += x.isFinite ? String(x) : "null"
    case .bool(let b): out += b ? "true" : "false"
    case .null: out += "null"
    case .array(let items):
      guard !items.isEmpty else {
        out += "[]"
        return
      }
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += indent + "  "
        item.write(into: &out, indent: indent + "  ")
        out += i == items.count - 1 ? "\n" : ",\n"
      }
      out += indent + "]"
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{\n"
      for (i, (key, value)) in members.enumerated() {
        out += indent + "  " + Self.quoted(key) + ": "
        value.write(into: &out, indent: indent + "  ")
        out += i == members.count - 1 ? "\n" : ",\n"
      }
      out += indent + "}"
    }
  }

  /// A JSON string, through AuthKit's one JSON writer.
  static func quoted(_ s: String) -> String {
    var writer = JSONWriter(into: [UInt8]())
    writer.string(s)
    return String(decoding: writer.sink, as: UTF8.self)
  }
}

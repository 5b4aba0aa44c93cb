import AuthKit

/// A JSON value written as one indented document (RFC 8259), members in the order given —
/// for reports that are not rows (`users export --user`, `stats`, `prune`). Strings are
/// escaped as `RowWriter` escapes them: quote, backslash and controls, and also DEL, the C1
/// controls and the bidi formatting characters (`TerminalText.needsEscape`), so JSON shown on
/// a terminal is safe.
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

  static func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if TerminalText.needsEscape(scalar) {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

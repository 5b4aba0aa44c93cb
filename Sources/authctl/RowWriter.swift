import AuthKit

/// Writes rows as a table, a JSON array, JSON lines or RFC 4180 CSV, streaming: each row is
/// written (into the 64 KiB output buffer) as it comes, nothing is kept.
final class RowWriter {
  enum Format: String {
    case table, json, jsonl, csv
  }

  private let format: Format
  private let columns: [String]
  private let widths: [Int]
  private let out: Output
  private var rows = 0
  /// `"name":` of each column, with the comma before all but the first, ready to copy.
  private let keys: [[UInt8]]

  /// `widths` pad the table's columns (a longer value still prints whole).
  init(_ format: Format, columns: [String], widths: [Int] = [], out: Output = .standard) {
    self.format = format
    self.columns = columns
    self.widths = widths
    self.out = out
    keys = columns.enumerated().map { i, c in Array(((i > 0 ? "," : "") + "\"\(c)\":").utf8) }
    switch format {
    case .table: tableRow(columns.map { Array($0.uppercased().utf8) })
    case .csv:
      for (i, c) in columns.enumerated() {
        if i > 0 { out.write(44) }
        out.write(c)
      }
      out.write("\r\n")
    case .json: out.write(91)  // [
    case .jsonl: break
    }
  }

  /// One row from the current position of `cursor`, whose columns are `columns` in order.
  func row(from cursor: some RowCursor) {
    switch format {
    case .table:
      tableRow(
        (0..<columns.count).map { c in
          cursor.isNull(c) ? Array("-".utf8) : cursor.withText(c) { Array($0) }
        })
    case .csv:
      for c in 0..<columns.count {
        if c > 0 { out.write(44) }
        if !cursor.isNull(c) { cursor.withText(c) { csvField($0) } }
      }
      out.write("\r\n")
    case .json, .jsonl:
      beginObject()
      for c in 0..<columns.count {
        key(c)
        if cursor.isNull(c) {
          out.write("null")
        } else if cursor.isInteger(c) {
          out.write(String(cursor.integer(c)))
        } else {
          cursor.withText(c) { jsonString($0) }
        }
      }
      endObject()
    }
    rows += 1
  }

  /// One row of values: String, Int, Bool, JSONArray or nil.
  func row(_ values: [Any?]) {
    func text(_ v: Any?) -> String? {
      switch v {
      case nil: return nil
      case let s as String: return s
      case let n as Int: return String(n)
      case let n as Int64: return String(n)
      case let b as Bool: return b ? "true" : "false"
      default: return "\(v!)"
      }
    }
    switch format {
    case .table:
      tableRow(values.map { Array((text($0) ?? "-").utf8) })
    case .csv:
      for (i, v) in values.enumerated() {
        if i > 0 { out.write(44) }
        if var s = text(v) { s.withUTF8 { csvField($0) } }
      }
      out.write("\r\n")
    case .json, .jsonl:
      beginObject()
      for (i, v) in values.enumerated() {
        key(i)
        switch v {
        case nil: out.write("null")
        case let n as Int: out.write(String(n))
        case let n as Int64: out.write(String(n))
        case let b as Bool: out.write(b ? "true" : "false")
        case let a as JSONArray:
          out.write(91)
          for (k, item) in a.items.enumerated() {
            if k > 0 { out.write(44) }
            var s = item
            s.withUTF8 { jsonString($0) }
          }
          out.write(93)
        default:
          var s = text(v)!
          s.withUTF8 { jsonString($0) }
        }
      }
      endObject()
    }
    rows += 1
  }

  /// Closes the JSON array.
  func finish() {
    if format == .json { out.write(rows == 0 ? "]\n" : "\n]\n") }
  }

  private func beginObject() {
    if format == .json { out.write(rows == 0 ? "\n{" : ",\n{") } else { out.write(123) }
  }

  private func endObject() {
    out.write(125)
    if format == .jsonl { out.write(10) }
  }

  private func key(_ i: Int) {
    out.write(keys[i])
  }

  /// Cells escaped (`TerminalText`): a stored value may hold ESC or a bidi override.
  private func tableRow(_ raw: [[UInt8]]) {
    let cells = raw.map { c in c.withUnsafeBufferPointer { TerminalText.escaped($0) } }
    for (i, cell) in cells.enumerated() {
      if i > 0 { out.write("  ") }
      cell.withUnsafeBytes { out.write($0) }
      if i < cells.count - 1 {
        let pad = (i < widths.count ? widths[i] : 0) - cell.count
        if pad > 0 { for _ in 0..<pad { out.write(32) } }
      }
    }
    out.write(10)
  }

  /// RFC 4180 §2: quoted when it holds a comma, a quote, CR or LF; quotes doubled. Before
  /// that, control characters are escaped (`TerminalText`; no column holds one legitimately)
  /// and a cell a spreadsheet would run as a formula is defused (`CSVFormula.defused`).
  private func csvField(_ raw: UnsafeBufferPointer<UInt8>) {
    let cell = CSVFormula.defused(TerminalText.escaped(raw))
    let needsQuotes = cell.contains { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }
    guard needsQuotes else {
      out.write(cell)
      return
    }
    out.write(34)
    for b in cell {
      if b == 34 { out.write(34) }
      out.write(b)
    }
    out.write(34)
  }

  /// RFC 8259 §7: quote, backslash and U+0000–U+001F escaped; so are DEL, the C1 controls
  /// and the bidi formatting characters (as `\uXXXX`, still valid JSON), so that JSON shown
  /// on a terminal is as safe as a table.
  private func jsonString(_ raw: UnsafeBufferPointer<UInt8>) {
    out.write(34)
    if raw.contains(where: { $0 >= 0x7f }) {
      var pending: [UInt8] = []
      for s in String(decoding: raw, as: UTF8.self).unicodeScalars {
        guard s.value >= 0x7f, TerminalText.needsEscape(s) else {
          pending += Array(String(s).utf8)
          continue
        }
        pending.withUnsafeBufferPointer { plainJSON($0) }
        pending.removeAll()
        let hex = String(s.value, radix: 16)
        out.write("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
      }
      pending.withUnsafeBufferPointer { plainJSON($0) }
    } else {
      plainJSON(raw)
    }
    out.write(34)
  }

  /// The inside of a JSON string: quote, backslash and C0 controls escaped.
  private func plainJSON(_ bytes: UnsafeBufferPointer<UInt8>) {
    var start = 0
    for (i, b) in bytes.enumerated() where b < 0x20 || b == 34 || b == 92 {
      if i > start {
        out.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i])))
      }
      switch b {
      case 34: out.write("\\\"")
      case 92: out.write("\\\\")
      case 10: out.write("\\n")
      case 13: out.write("\\r")
      case 9: out.write("\\t")
      default:
        let hex = Array("0123456789abcdef".utf8)
        out.write("\\u00")
        out.write(hex[Int(b >> 4)])
        out.write(hex[Int(b & 0xf)])
      }
      start = i + 1
    }
    if start < bytes.count {
      out.write(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
    }
  }
}

/// An array of strings as one JSON value (in text formats: the items joined by spaces).
struct JSONArray: CustomStringConvertible {
  let items: [String]
  init(_ items: [String]) { self.items = items }
  var description: String { items.joined(separator: " ") }
}

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
  /// `"name":` of each column for JSON rows (`JSONWriter`, the one JSON writer), ready to copy.
  private let keys: [JSONKey]

  /// `widths` pad the table's columns (a longer value still prints whole).
  init(_ format: Format, columns: [String], widths: [Int] = [], out: Output) {
    self.format = format
    self.columns = columns
    self.widths = widths
    self.out = out
    keys = columns.map(JSONKey.init)
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
      // A writer of the row's own, in a local: no exclusivity check on a class property at
      // every value of a million rows.
      var json = beginObject()
      for c in 0..<columns.count {
        json.key(keys[c])
        if cursor.isNull(c) {
          json.null()
        } else if cursor.isInteger(c) {
          json.integer(cursor.integer(c))
        } else {
          cursor.withText(c) { json.string($0) }
        }
      }
      endObject(&json)
    }
    rows += 1
  }

  /// One row of values: String, Int, Bool, Instant (ISO-8601 text), JSONArray or nil.
  func row(_ values: [Any?]) {
    func text(_ v: Any?) -> String? {
      switch v {
      case nil: return nil
      case let s as String: return s
      case let n as Int: return String(n)
      case let n as Int64: return String(n)
      case let b as Bool: return b ? "true" : "false"
      case let t as Instant: return Timestamp.format(t)
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
      var json = beginObject()
      for (i, v) in values.enumerated() {
        json.key(keys[i])
        switch v {
        case nil: json.null()
        case let n as Int: json.integer(n)
        case let n as Int64: json.integer(n)
        case let b as Bool: json.bool(b)
        case let a as JSONArray: json.strings(a.items)
        default: json.string(text(v)!)
        }
      }
      endObject(&json)
    }
    rows += 1
  }

  /// Closes the JSON array.
  func finish() {
    if format == .json { out.write(rows == 0 ? "]\n" : "\n]\n") }
  }

  /// A writer into `out` with the row's object begun (after the separator of a JSON array).
  private func beginObject() -> JSONWriter<Output> {
    if format == .json { out.write(rows == 0 ? "\n" : ",\n") }
    var json = JSONWriter(into: out)
    json.beginObject()
    return json
  }

  private func endObject(_ json: inout JSONWriter<Output>) {
    json.endObject()
    if format == .jsonl { out.write(10) }
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
    // The common cell — printable ASCII, no comma or quote, not starting as a formula — is
    // written as it is: what the rules below would write, without a copy.
    if let first = raw.first, !CSVFormula.isLeading(first),
      raw.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != 44 && $0 != 34 })
    {
      out.write(UnsafeRawBufferPointer(raw))
      return
    }
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
}

/// An array of strings as one JSON value (in text formats: the items joined by spaces).
struct JSONArray: CustomStringConvertible {
  let items: [String]
  init(_ items: [String]) { self.items = items }
  var description: String { items.joined(separator: " ") }
}

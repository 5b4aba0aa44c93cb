/// A strict RFC 4180 reader: comma-separated fields, double-quoted fields with `""` escapes and
/// line breaks inside quotes, CRLF or LF record ends. Each record carries the line number it
/// starts on (1-based), for error messages.
public struct CSVReader {
  let bytes: [UInt8]
  var i = 0
  var line = 1

  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    // A UTF-8 byte order mark is skipped.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
  }

  public enum Failure: Error, Equatable {
    case unterminatedQuote(line: Int)
    case textAfterQuote(line: Int)
    case notUTF8(line: Int)
  }

  /// The next record and its first line, nil at the end of input. A blank line is returned as
  /// a record with one empty field.
  public mutating func next() throws(Failure) -> (line: Int, fields: [String])? {
    guard i < bytes.count else { return nil }
    let start = line
    var fields: [String] = []
    var field: [UInt8] = []
    func finishField() throws(Failure) {
      guard let s = String(validating: field, as: UTF8.self) else {
        throw .notUTF8(line: start)
      }
      fields.append(s)
      field.removeAll(keepingCapacity: true)
    }
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") && field.isEmpty {
        i += 1
        var closed = false
        while i < bytes.count {
          let q = bytes[i]
          i += 1
          if q == UInt8(ascii: "\"") {
            if i < bytes.count && bytes[i] == UInt8(ascii: "\"") {
              field.append(q)
              i += 1
            } else {
              closed = true
              break
            }
          } else {
            if q == 0x0A { line += 1 }
            field.append(q)
          }
        }
        guard closed else { throw .unterminatedQuote(line: start) }
        if i < bytes.count && ![0x2C, 0x0A, 0x0D].contains(bytes[i]) {
          throw .textAfterQuote(line: start)
        }
        if field.isEmpty { field = [] }
        continue
      }
      if field.isEmpty && c != 0x2C && c != 0x0A && c != 0x0D {
        // An unquoted field: one slice up to the next comma or line end, decoded once.
        let start = i
        while i < bytes.count, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
        field.append(contentsOf: bytes[start..<i])
        continue
      }
      if c == 0x2C {
        try finishField()
        i += 1
        continue
      }
      if c == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
      if c == 0x0A || c == 0x0D {
        i += 1
        line += 1
        break
      }
      field.append(c)
      i += 1
    }
    try finishField()
    return (start, fields)
  }
}

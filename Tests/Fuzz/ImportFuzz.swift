// libFuzzer target: the import parsers (CSV through CSVReader, and JSONL) never trap, and
// CSVReader reads back what an RFC 4180 writer makes of the records it read.
@testable import AuthKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  for format in [RecordFormat.csv, .jsonl] {
    let (records, problems) = ImportParser.parse(bytes, format: format)
    for (line, _) in records { precondition(line >= 1, "record line \(line)") }
    for problem in problems { precondition(problem.line >= 1, "problem line \(problem.line)") }
  }

  var reader = CSVReader(bytes)
  var rows: [[String]] = []
  do {
    while let (line, fields) = try reader.next() {
      precondition(line >= 1 && !fields.isEmpty, "record without a field")
      precondition(rows.count <= bytes.count, "more records than bytes")
      rows.append(fields)
    }
  } catch {
    return 0
  }
  var written: [UInt8] = []
  for row in rows {
    // Every field quoted, byte by byte: a quote followed by a combining mark is one Character,
    // so quoting by Character would miss it (the harness's own first bug, input 6f220a0122cda3).
    for (index, field) in row.enumerated() {
      if index > 0 { written.append(0x2C) }
      written.append(0x22)
      for byte in field.utf8 { written += byte == 0x22 ? [0x22, 0x22] : [byte] }
      written.append(0x22)
    }
    written += [0x0D, 0x0A]
  }
  var again = CSVReader(written)
  var reread: [[String]] = []
  do {
    while let (_, fields) = try again.next() { reread.append(fields) }
  } catch {
    preconditionFailure("CSVReader refused written CSV: \(error)")
  }
  precondition(reread == rows, "CSV does not round-trip")
  return 0
}

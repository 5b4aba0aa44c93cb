#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// One account of an import or export file:
/// `email,password_hash,activated_at,created_at,expires_at`.
public struct ImportRecord: Sendable, Equatable, Codable {
  public var email: String
  public var passwordHash: String?
  public var activatedAt: String?
  public var createdAt: String?
  /// The end of the account's validity window (`users expire`).
  public var expiresAt: String?

  enum CodingKeys: String, CodingKey {
    case email
    case passwordHash = "password_hash"
    case activatedAt = "activated_at"
    case createdAt = "created_at"
    case expiresAt = "expires_at"
  }

  /// The export's header; an import also takes it without `expires_at` (the four columns of
  /// earlier versions).
  public static let header = ["email", "password_hash", "activated_at", "created_at", "expires_at"]

  public init(
    email: String, passwordHash: String?, activatedAt: String?, createdAt: String?,
    expiresAt: String? = nil
  ) {
    self.email = email
    self.passwordHash = passwordHash
    self.activatedAt = activatedAt
    self.createdAt = createdAt
    self.expiresAt = expiresAt
  }
}

/// The two file formats of `users import` and `users export`.
public enum RecordFormat: String, Sendable {
  case csv, jsonl
}

/// The problems of an import file, and `parse` for a whole file in memory (the fuzzer's).
public enum ImportParser {
  public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var text: String
    public var description: String { "line \(line): \(text)" }
  }

  /// The most bytes of one record (a CSV record or a JSON line): an email, a hash and two
  /// times fit in a few hundred; a longer record is a problem of its line (so 65).
  public static let maxRecordBytes = 4096

  /// Every record of `bytes` with its line, and every problem.
  public static func parse(_ bytes: [UInt8], format: RecordFormat) -> (
    records: [(line: Int, record: ImportRecord)], problems: [Problem]
  ) {
    var reader = ImportReader(ByteSource(bytes), format: format)
    var records: [(Int, ImportRecord)] = []
    var problems: [Problem] = []
    // Bytes in memory: reading cannot fail.
    while let item = (try? reader.next()) ?? nil {
      switch item {
      case .record(let line, let record): records.append((line, record))
      case .problem(let problem): problems.append(problem)
      }
    }
    return (records, problems)
  }

  static var headerText: String {
    ImportRecord.header.joined(separator: ",") + " (expires_at may be left out)"
  }
}

/// Reads an import file one record at a time (issue 17: memory flat in the number of rows):
/// each record with its line, or a problem of its line. A problem that leaves the rest of the
/// file unreadable (an unclosed quote, bytes that are not UTF-8, a bad header) is the last
/// item; a read error is thrown (`FlowError.io`).
public struct ImportReader {
  public enum Item {
    case record(line: Int, ImportRecord)
    case problem(ImportParser.Problem)
  }

  let format: RecordFormat
  /// The CSV reader, for CSV.
  var csv: CSVReader?
  /// The input, for JSONL, with its line count and position.
  var lines: ByteSource?
  var line = 0
  var i = 0
  var finished = false
  var sawHeader = false
  /// The header's column count: 5, or 4 without `expires_at`.
  var columns = ImportRecord.header.count

  public init(_ source: ByteSource, format: RecordFormat) {
    self.format = format
    switch format {
    case .csv: csv = CSVReader(source, recordLimit: ImportParser.maxRecordBytes)
    case .jsonl: lines = source
    }
  }

  /// How far into the input reading has come, in bytes.
  public var offset: Int { csv?.offset ?? (lines.map { $0.discarded } ?? 0) + i }

  /// The input's size, when known (a regular file).
  public var totalBytes: Int? { csv?.totalBytes ?? lines?.totalBytes }

  typealias Problem = ImportParser.Problem

  public mutating func next() throws(FlowError) -> Item? {
    guard !finished else { return nil }
    switch format {
    case .csv: return try nextCSV()
    case .jsonl: return try nextJSONL()
    }
  }

  private mutating func fail(_ line: Int, _ text: String) -> Item {
    finished = true
    return .problem(Problem(line: line, text: text))
  }

  private mutating func nextCSV() throws(FlowError) -> Item? {
    while true {
      let raw: [String]
      let line: Int
      do {
        guard let (l, fields) = try csv!.next() else {
          finished = true
          guard sawHeader else {
            return fail(
              1, "the file is empty; expected the header \(ImportParser.headerText)")
          }
          return nil
        }
        (line, raw) = (l, fields)
      } catch {
        switch error {
        case .tooLong(let line):
          if !sawHeader { return fail(line, "the header must be \(ImportParser.headerText)") }
          return .problem(
            Problem(line: line, text: "longer than \(ImportParser.maxRecordBytes) bytes"))
        case .unterminatedQuote(let line): return fail(line, "a quoted field is never closed")
        case .textAfterQuote(let line): return fail(line, "text after a closing quote")
        case .notUTF8(let line): return fail(line, "not UTF-8")
        case .read(let code):
          throw .io("cannot read the import: \(SystemError(operation: "read", code: code).text)")
        }
      }
      if !sawHeader {
        sawHeader = true
        let names = raw.map { $0.trimmingASCIIWhitespace() }
        guard names == ImportRecord.header || names == Array(ImportRecord.header.prefix(4)) else {
          return fail(1, "the header must be \(ImportParser.headerText)")
        }
        columns = names.count
        continue
      }
      if raw == [""] { continue }  // a blank line
      guard raw.count == columns else {
        return .problem(
          Problem(line: line, text: "expected \(columns) fields, found \(raw.count)"))
      }
      // A cell the export defused (`'=…`) comes back as it was.
      let fields = raw.map(CSVFormula.restored)
      func value(_ s: String) -> String? { s.isEmpty ? nil : s }
      return .record(
        line: line,
        ImportRecord(
          email: fields[0], passwordHash: value(fields[1]), activatedAt: value(fields[2]),
          createdAt: value(fields[3]), expiresAt: fields.count > 4 ? value(fields[4]) : nil))
    }
  }

  private mutating func nextJSONL() throws(FlowError) -> Item? {
    while true {
      // One line from `i`, up to its LF, refilling the window as needed; past the limit its
      // bytes are dropped as they come and only its end is looked for.
      var scanned = i
      var lf: Int?
      var overlong = false
      while true {
        let end = lines!.end
        while scanned < end, lines!.bytes[scanned] != 0x0A { scanned += 1 }
        if scanned < end {
          lf = scanned
          break
        }
        if lines!.atEnd { break }
        if scanned - i > ImportParser.maxRecordBytes {
          overlong = true
          i = scanned
        }
        do {
          let moved = try lines!.refill(keepingFrom: i)
          i -= moved
          scanned -= moved
        } catch {
          throw .io("cannot read the import: \(error.text)")
        }
      }
      let start = i
      let stop = lf ?? lines!.end
      if lf == nil && start == stop && !overlong {
        finished = true
        return nil
      }
      line += 1
      i = lf.map { $0 + 1 } ?? stop
      var slice = lines!.bytes[start..<stop]
      if slice.last == 0x0D { slice = slice.dropLast() }
      if !overlong && slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      guard !overlong, slice.count <= ImportParser.maxRecordBytes else {
        return .problem(
          Problem(line: line, text: "longer than \(ImportParser.maxRecordBytes) bytes"))
      }
      do {
        let record = try JSONDecoder().decode(ImportRecord.self, from: Data(slice))
        return .record(line: line, record)
      } catch {
        return .problem(
          Problem(
            line: line,
            text:
              "not a JSON object with string fields \(ImportParser.headerText) (email required)"))
      }
    }
  }
}

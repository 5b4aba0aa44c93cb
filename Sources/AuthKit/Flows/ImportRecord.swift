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

/// Parses a whole import file into records with their line numbers, or the list of problems.
public enum ImportParser {
  public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var text: String
    public var description: String { "line \(line): \(text)" }
  }

  /// The most bytes of one record (a CSV record or a JSON line): an email, a hash and two
  /// times fit in a few hundred; a longer record is a problem of its line (so 65).
  public static let maxRecordBytes = 4096

  public static func parse(_ bytes: [UInt8], format: RecordFormat) -> (
    records: [(line: Int, record: ImportRecord)], problems: [Problem]
  ) {
    switch format {
    case .csv: return parseCSV(bytes)
    case .jsonl: return parseJSONL(bytes)
    }
  }

  static func parseCSV(_ bytes: [UInt8]) -> (
    records: [(line: Int, record: ImportRecord)], problems: [Problem]
  ) {
    var reader = CSVReader(bytes)
    var records: [(Int, ImportRecord)] = []
    var problems: [Problem] = []
    do {
      guard let (_, header) = try reader.next() else {
        return (
          [], [Problem(line: 1, text: "the file is empty; expected the header \(headerText)")]
        )
      }
      let columns = header.map { $0.trimmingASCIIWhitespace() }
      guard columns == ImportRecord.header || columns == Array(ImportRecord.header.prefix(4))
      else {
        return ([], [Problem(line: 1, text: "the header must be \(headerText)")])
      }
      while true {
        let start = reader.i
        guard let (line, raw) = try reader.next() else { break }
        if raw == [""] { continue }  // a blank line
        guard reader.i - start <= maxRecordBytes else {
          problems.append(Problem(line: line, text: "longer than \(maxRecordBytes) bytes"))
          continue
        }
        guard raw.count == columns.count else {
          problems.append(
            Problem(line: line, text: "expected \(columns.count) fields, found \(raw.count)"))
          continue
        }
        // A cell the export defused (`'=…`) comes back as it was.
        let fields = raw.map(CSVFormula.restored)
        func value(_ s: String) -> String? { s.isEmpty ? nil : s }
        records.append(
          (
            line,
            ImportRecord(
              email: fields[0], passwordHash: value(fields[1]), activatedAt: value(fields[2]),
              createdAt: value(fields[3]), expiresAt: fields.count > 4 ? value(fields[4]) : nil)
          ))
      }
    } catch {
      switch error {
      case .unterminatedQuote(let line):
        problems.append(Problem(line: line, text: "a quoted field is never closed"))
      case .textAfterQuote(let line):
        problems.append(Problem(line: line, text: "text after a closing quote"))
      case .notUTF8(let line):
        problems.append(Problem(line: line, text: "not UTF-8"))
      }
    }
    return (records, problems)
  }

  static func parseJSONL(_ bytes: [UInt8]) -> (
    records: [(line: Int, record: ImportRecord)], problems: [Problem]
  ) {
    var records: [(Int, ImportRecord)] = []
    var problems: [Problem] = []
    let decoder = JSONDecoder()
    var line = 0
    for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      line += 1
      var slice = raw
      if slice.last == 0x0D { slice = slice.dropLast() }
      if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      guard slice.count <= maxRecordBytes else {
        problems.append(Problem(line: line, text: "longer than \(maxRecordBytes) bytes"))
        continue
      }
      do {
        let record = try decoder.decode(ImportRecord.self, from: Data(slice))
        records.append((line, record))
      } catch {
        problems.append(
          Problem(
            line: line,
            text: "not a JSON object with string fields \(headerText) (email required)"))
      }
    }
    return (records, problems)
  }

  static var headerText: String {
    ImportRecord.header.joined(separator: ",") + " (expires_at may be left out)"
  }
}

import Foundation
import TestSupport
import Testing

@testable import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// The import readers over a file read in small windows give exactly what they give over the
/// whole file in memory (issue 17: records cut by a window's end, quoted line breaks, a CR LF
/// split between two reads, a record past the limit skipped without being kept).
@Suite struct StreamingReaderTests {
  typealias Problem = ImportParser.Problem

  /// Records and problems of `text` read through a file in windows of `window` bytes.
  func streamed(_ text: [UInt8], _ format: RecordFormat, window: Int) throws -> (
    [(Int, ImportRecord)], [Problem], offset: Int
  ) {
    let dir = try TempDir()
    let path = dir.file("in")
    FileManager.default.createFile(atPath: path, contents: Data(text))
    let fd = open(path, O_RDONLY)
    #expect(fd >= 0)
    defer { close(fd) }
    var reader = ImportReader(ByteSource(fd: fd, windowSize: window), format: format)
    var records: [(Int, ImportRecord)] = []
    var problems: [Problem] = []
    while let item = try reader.next() {
      switch item {
      case .record(let line, let r): records.append((line, r))
      case .problem(let p): problems.append(p)
      }
    }
    return (records, problems, reader.offset)
  }

  func check(
    _ text: String, _ format: RecordFormat, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let bytes = Array(text.utf8)
    let whole = ImportParser.parse(bytes, format: format)
    var inMemory = ImportReader(ByteSource(bytes), format: format)
    while try inMemory.next() != nil {}
    for window in [1, 2, 3, 7, 16, 64, 4096] {
      let (records, problems, offset) = try streamed(bytes, format, window: window)
      #expect(
        offset == inMemory.offset, "window \(window): read as far", sourceLocation: sourceLocation)
      #expect(
        records.map(\.0) == whole.records.map(\.line), "window \(window)",
        sourceLocation: sourceLocation)
      #expect(
        records.map(\.1) == whole.records.map(\.record), "window \(window)",
        sourceLocation: sourceLocation)
      #expect(problems == whole.problems, "window \(window)", sourceLocation: sourceLocation)
    }
  }

  static let header = "email,password_hash,activated_at,created_at"

  @Test func csvAcrossWindows() throws {
    try check(Self.header + "\r\na@example.com,,,\r\nb@example.com,\"x\"\"y\",\"\",\r\n", .csv)
    try check(Self.header + "\n\"multi\nline@example.com\",,,\n\nc@example.com,,,", .csv)
    try check("\u{FEFF}" + Self.header + "\rd@example.com,,,\re@example.com,,,\r", .csv)
    try check(Self.header + "\na,b\nc@example.com,,,\n", .csv)
    try check(Self.header + "\n\"unclosed,,,\nmore\n", .csv)
    try check(Self.header + "\n\"a\"b,,,\nc@example.com,,,\n", .csv)
    try check("", .csv)
    try check("wrong,header\n", .csv)
  }

  @Test func csvRecordPastTheLimitIsSkipped() throws {
    let long = String(repeating: "x", count: 5000)
    let quotedLong = "\"" + String(repeating: "y\n", count: 3000) + "\""
    let text =
      Self.header + "\n\(long)@example.com,,,\nok@example.com,,,\n\(quotedLong),,,\n"
      + "last@example.com,,,\n"
    try check(text, .csv)
    let (records, problems, offset) = try streamed(Array(text.utf8), .csv, window: 64)
    #expect(offset == text.utf8.count)
    #expect(records.map(\.0) == [3, 3005])
    #expect(problems.map(\.line) == [2, 4])
    #expect(problems.allSatisfy { $0.text == "longer than 4096 bytes" })
  }

  @Test func jsonlAcrossWindows() throws {
    let long = String(repeating: "z", count: 5000)
    try check(
      "{\"email\":\"a@example.com\"}\r\n\n   \n{\"email\":\"\(long)\"}\n{\"email\":1}\n"
        + "{\"email\":\"b@example.com\",\"password_hash\":null}", .jsonl)
    try check("{\"email\":\"a@example.com\"}\n\(long)", .jsonl)
    try check("", .jsonl)
  }

  /// Memory stays one window (plus at most one record) however long the input.
  @Test func windowDoesNotGrowWithTheInput() throws {
    let row = "someone@example.com,,2024-01-01T00:00:00Z,\n"
    let text = Self.header + "\n" + String(repeating: row, count: 20_000)
    let dir = try TempDir()
    let path = dir.file("in")
    FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var reader = CSVReader(ByteSource(fd: fd, windowSize: 4096), recordLimit: 4096)
    var n = 0
    while try reader.next() != nil { n += 1 }
    #expect(n == 20_001)
    #expect(reader.source.bytes.count == 4096, "the window never grew")
  }
}

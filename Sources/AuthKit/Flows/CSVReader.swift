/// A strict RFC 4180 reader: comma-separated fields, double-quoted fields with `""` escapes and
/// line breaks inside quotes, CRLF or LF record ends. Each record carries the line number it
/// starts on (1-based), for error messages.
///
/// It reads a `ByteSource` one record at a time, so memory is one window of input whatever the
/// file's length. A record longer than `recordLimit` is skipped without being kept
/// (`Failure.tooLong`, after which reading goes on with the next record).
public struct CSVReader {
  var source: ByteSource
  var i = 0
  var line = 1
  /// The most bytes of one record; a longer one is `Failure.tooLong`. Nil: no limit (input
  /// already in memory).
  let recordLimit: Int?
  /// The bytes of the last record returned, line end included.
  public private(set) var lastRecordBytes = 0
  /// The bytes of a quoted field being read (kept, so its capacity is reused).
  var quoted: [UInt8] = []

  public init(_ bytes: [UInt8]) {
    self.init(ByteSource(bytes), recordLimit: nil)
  }

  public init(_ source: ByteSource, recordLimit: Int?) {
    self.source = source
    self.recordLimit = recordLimit
  }

  public enum Failure: Error, Equatable {
    case unterminatedQuote(line: Int)
    case textAfterQuote(line: Int)
    case notUTF8(line: Int)
    /// The record starting on `line` is longer than the limit; it was skipped and reading can
    /// go on.
    case tooLong(line: Int)
    /// Reading the input failed with `errno` `code`.
    case read(code: Int32)
  }

  /// The offset into the input of the next unread byte (progress).
  public var offset: Int { source.discarded + i }

  /// The size of the input, when known.
  public var totalBytes: Int? { source.totalBytes }

  private enum Step {
    case record([String])
    case needMore
    /// The record runs past `recordLimit` (checked before a field is decoded).
    case tooLong
  }

  /// The next record and its first line, nil at the end of input. A blank line is returned as
  /// a record with one empty field.
  public mutating func next() throws(Failure) -> (line: Int, fields: [String])? {
    if source.discarded == 0 && i == 0 && line == 1 { try skipByteOrderMark() }
    while true {
      if i >= source.end {
        guard !source.atEnd else { return nil }
        try refill()
        continue
      }
      let (startI, startLine) = (i, line)
      switch try parseRecord() {
      case .record(let fields):
        lastRecordBytes = i - startI
        if let recordLimit, lastRecordBytes > recordLimit { throw .tooLong(line: startLine) }
        return (startLine, fields)
      case .needMore:
        (i, line) = (startI, startLine)
        if let recordLimit, source.end - i > recordLimit {
          try skipRecord()
          throw .tooLong(line: startLine)
        }
        try refill()
      case .tooLong:
        (i, line) = (startI, startLine)
        try skipRecord()
        throw .tooLong(line: startLine)
      }
    }
  }

  /// A UTF-8 byte order mark at the very start is skipped.
  private mutating func skipByteOrderMark() throws(Failure) {
    while source.end < 3 && !source.atEnd { try refill() }
    if source.end >= 3 && source.bytes[0] == 0xEF && source.bytes[1] == 0xBB
      && source.bytes[2] == 0xBF
    {
      i = 3
    }
  }

  private mutating func refill() throws(Failure) {
    do {
      i -= try source.refill(keepingFrom: i)
    } catch {
      throw .read(code: error.code)
    }
  }

  /// One record from `i`, or `needMore` when the window ends before the record does (and the
  /// input goes on). Unquoted fields are decoded in place; quoted ones through `quoted`.
  private mutating func parseRecord() throws(Failure) -> Step {
    let start = line
    let first = i
    let end = source.end
    let more = !source.atEnd
    let limit = recordLimit ?? Int.max
    var fields: [String] = []
    while true {
      // One field from `i`.
      if i < end && source.bytes[i] == UInt8(ascii: "\"") {
        i += 1
        quoted.removeAll(keepingCapacity: true)
        var closed = false
        while i < end {
          let q = source.bytes[i]
          i += 1
          if q == UInt8(ascii: "\"") {
            if i < end && source.bytes[i] == UInt8(ascii: "\"") {
              quoted.append(q)
              i += 1
            } else {
              closed = true
              break
            }
          } else {
            if q == 0x0A { line += 1 }
            quoted.append(q)
          }
        }
        // A quote at the window's end may be the first of `""`: read on to know.
        if more && (!closed || i >= end) { return .needMore }
        guard closed else { throw .unterminatedQuote(line: start) }
        if i < end && ![0x2C, 0x0A, 0x0D].contains(source.bytes[i]) {
          throw .textAfterQuote(line: start)
        }
        if i - first > limit { return .tooLong }
        guard let s = String(validating: quoted, as: UTF8.self) else {
          throw .notUTF8(line: start)
        }
        fields.append(s)
      } else {
        let from = i
        while i < end, source.bytes[i] != 0x2C, source.bytes[i] != 0x0A, source.bytes[i] != 0x0D {
          i += 1
        }
        if more && i >= end { return .needMore }
        if i - first > limit { return .tooLong }
        guard let s = String(validating: source.bytes[from..<i], as: UTF8.self) else {
          throw .notUTF8(line: start)
        }
        fields.append(s)
      }
      // After the field: a comma, a line end, or the end of the input.
      guard i < end else { return .record(fields) }
      let c = source.bytes[i]
      if c == 0x2C {
        i += 1
        continue
      }
      if c == 0x0D {
        // CR LF is one line end: when the CR is the window's last byte, read on to know.
        if i + 1 >= end && more { return .needMore }
        if i + 1 < end && source.bytes[i + 1] == 0x0A { i += 1 }
      }
      i += 1
      line += 1
      return .record(fields)
    }
  }

  /// Passes over the record starting at `i`, keeping none of it, to the byte after its line
  /// end; lines inside its quoted fields are counted. The same grammar as `parseRecord`.
  private mutating func skipRecord() throws(Failure) {
    enum State { case fieldStart, unquoted, quoted, afterQuote }
    let start = line
    var state = State.fieldStart
    while true {
      if i >= source.end {
        if source.atEnd {
          if state == .quoted { throw .unterminatedQuote(line: start) }
          return
        }
        try refill()
        continue
      }
      let c = source.bytes[i]
      i += 1
      switch state {
      case .fieldStart, .unquoted, .afterQuote:
        if c == 0x0A || c == 0x0D {
          if c == 0x0D {
            if i >= source.end && !source.atEnd { try refill() }
            if i < source.end && source.bytes[i] == 0x0A { i += 1 }
          }
          line += 1
          return
        }
        if c == 0x2C {
          state = .fieldStart
        } else if state == .afterQuote {
          guard c == UInt8(ascii: "\"") else { throw .textAfterQuote(line: start) }
          state = .quoted
        } else if state == .fieldStart && c == UInt8(ascii: "\"") {
          state = .quoted
        } else {
          state = .unquoted
        }
      case .quoted:
        if c == UInt8(ascii: "\"") {
          state = .afterQuote
        } else if c == 0x0A {
          line += 1
        }
      }
    }
  }
}

import AuthKit
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The pieces behind issue 11 items 6, 7, 8 and 12: the buffered line reader, terminal
/// escaping, CSV formula defusing, and the cost bounds of hashes from input.
@Suite struct InputBoundsTests {
  /// A source of `data` handing out at most `chunk` bytes per read, counting the reads.
  final class Source: @unchecked Sendable {
    var data: [UInt8]
    var offset = 0
    var reads = 0
    let chunk: Int
    let seekable: Bool
    init(_ text: String, chunk: Int = .max, seekable: Bool = false) {
      data = Array(text.utf8)
      self.chunk = chunk
      self.seekable = seekable
    }
    func reader() -> LineReader {
      LineReader(
        read: { buf in
          self.reads += 1
          let n = min(buf.count, self.chunk, self.data.count - self.offset)
          for i in 0..<n { buf[i] = self.data[self.offset + i] }
          self.offset += n
          return n
        },
        giveBack: { n in
          guard self.seekable else { return false }
          self.offset -= n
          return true
        })
    }
  }

  func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

  /// Reads are blocks, not bytes: 10 KiB of lines take three reads plus the end, not 10,240.
  @Test func readsInBlocksAndKeepsLinesForLaterReads() throws {
    let lines = (0..<1000).map { "line \(String(100_000 + $0).dropFirst())" }
    let source = Source(lines.joined(separator: "\n") + "\n")
    let reader = source.reader()
    for expected in lines { #expect(text(try reader.readLine(limit: 4096)) == expected) }
    #expect(try reader.readLine(limit: 4096) == nil)
    #expect(source.reads <= source.data.count / LineReader.blockSize + 2, "\(source.reads) reads")
  }

  /// A code then a password on successive lines of one pipe block: both come out, in order;
  /// CRLF ends lose their CR; a last line without LF is kept.
  @Test func successiveAnswersFromOneBlock() throws {
    let reader = Source("123456\r\nsecret pass\nlast").reader()
    #expect(text(try reader.readLine(limit: 4096)) == "123456")
    #expect(text(try reader.readLine(limit: 4096)) == "secret pass")
    #expect(text(try reader.readLine(limit: 4096)) == "last")
    #expect(try reader.readLine(limit: 4096) == nil)
  }

  /// On a regular file the rest is given back after each line (the next program reads it).
  @Test func givesTheRestBackToASeekableSource() throws {
    let source = Source("first\nsecond\nthird\n", seekable: true)
    let reader = source.reader()
    #expect(text(try reader.readLine(limit: 4096)) == "first")
    #expect(source.offset == 6)
    #expect(text(try reader.readLine(limit: 4096)) == "second")
    #expect(source.offset == 13)
  }

  /// Past the limit without a line end: tooLong, having read at most a block more.
  @Test func capsALine() throws {
    let source = Source(String(repeating: "x", count: 1 << 20), chunk: 1000)
    let reader = source.reader()
    #expect(throws: LineReader.Failure.tooLong(limit: 4096)) { try reader.readLine(limit: 4096) }
    #expect(source.offset <= 4096 + LineReader.blockSize)
    let exact = Source(String(repeating: "y", count: 4096) + "\n").reader()
    #expect(try exact.readLine(limit: 4096)?.count == 4096)
    let over = Source(String(repeating: "y", count: 4097) + "\n").reader()
    #expect(throws: LineReader.Failure.tooLong(limit: 4096)) { try over.readLine(limit: 4096) }
  }

  @Test func terminalTextEscapesControls() {
    #expect(TerminalText.escaped("plain ascii, é and ü") == "plain ascii, é and ü")
    #expect(TerminalText.escaped("a\u{1b}[31mb") == #"a\e[31mb"#)
    #expect(TerminalText.escaped("\t\n\r\u{07}\u{7f}") == #"\t\n\r\x07\x7F"#)
    #expect(TerminalText.escaped("\u{9b}x\u{202e}y\u{2066}") == #"\u{009B}x\u{202E}y\u{2066}"#)
    #expect(TerminalText.escaped("a\nb\tc\u{1b}", keepingLineBreaks: true) == "a\nb\tc\\e")
  }

  @Test func csvFormulaRoundTrips() {
    for value in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'x", "''x", "plain", "", "a=b"] {
      let written = String(decoding: CSVFormula.defused(Array(value.utf8)), as: UTF8.self)
      #expect(CSVFormula.restored(written) == value, "\(value)")
      if let first = value.first, "=+-@\t\r'".contains(first) {
        #expect(written == "'" + value)
      } else {
        #expect(written == value)
      }
    }
  }

  @Test func expensiveHashesAreNamed() {
    let b64 = String(repeating: "a", count: 53)
    #expect(HashFormat.bcryptCost("$2y$16$" + b64) == 16)
    #expect(HashFormat.bcryptCost("$2x$16$" + b64) == nil)
    #expect(HashFormat.bcryptCost("$2b$32$" + b64) == nil)
    #expect(HashFormat.expense("$2b$16$" + b64) == nil)
    #expect(HashFormat.expense("$2b$17$" + b64)?.contains("cost 17") == true)
    let sha = "$salt$" + String(repeating: "a", count: 86)
    #expect(HashFormat.expense("$6$rounds=5000000" + sha) == nil)
    #expect(HashFormat.expense("$6$rounds=5000001" + sha)?.contains("5000001") == true)
    #expect(HashFormat.expense("$6" + sha) == nil)
    let y = "$salt$" + String(repeating: "a", count: 43)
    for ok in ["j9T", "jFT", "j75"] { #expect(HashFormat.expense("$y$" + ok + y) == nil, "\(ok)") }
    for bad in ["jGT", "j9U", "j9T.", "k9T"] {
      #expect(HashFormat.expense("$y$" + bad + y) != nil, "\(bad)")
    }
  }

  /// The electric_mail bound: cost above 14 (or the configured cost) and non-bcrypt values are
  /// bad input without hashing; a cheap hash of another email is refused.
  @Test func electricMailBound() throws {
    let shaped = "$2b$15$" + String(repeating: "A", count: 53)
    func input(_ electric: String) throws -> TokenInput {
      try TokenInput.parse("https://x/a?electric_mail=\(electric)&token=a.b.c")
    }
    for electric in [shaped, "$6$rounds=999999999$x$y", "garbage"] {
      do {
        try input(electric).checkElectricMail("a@example.com", configuredCost: 12)
        Issue.record("\(electric) was accepted")
      } catch let e as FlowError {
        guard case .invalidInput = e else {
          Issue.record("\(electric): \(e), not bad input")
          continue
        }
      }
    }
    let other = try PasswordHasher(cost: 4).hash("b@example.com")
    #expect(throws: FlowError.refused(TokenError.invalid.message)) {
      try input(other).checkElectricMail("a@example.com", configuredCost: 4)
    }
    let mine = try PasswordHasher(cost: 4).hash("a@example.com")
    try input(mine).checkElectricMail("a@example.com", configuredCost: 4)
    try TokenInput.parse("a.b.c").checkElectricMail("x", configuredCost: 4)
  }
}

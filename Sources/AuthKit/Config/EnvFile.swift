#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A `.env` file read the way python-dotenv reads it (https://github.com/theskumar/python-dotenv):
/// `KEY=value` lines, optional `export`, `#` comments, single quotes taken literally, double
/// quotes with backslash escapes, values over several lines inside quotes, ` #` comments after
/// unquoted values, and `${VAR}` / `${VAR:-default}` expanded in every value (python-dotenv
/// 0.21 and 1.2 both expand inside single quotes too). A line it cannot parse is skipped and reported, as python-dotenv warns and goes on.
public struct EnvFile: Sendable {
  /// One `KEY=value` binding; `value` is nil for a bare `KEY` line.
  public struct Entry: Sendable, Equatable {
    public var key: String
    public var value: String?
    public var line: Int
    var expands: Bool
  }

  public var entries: [Entry] = []
  /// 1-based numbers of lines that could not be parsed.
  public var badLines: [Int] = []

  /// Parses `text` (already read from the file).
  public init(parsing text: String) {
    var p = Parser(Array(text.unicodeScalars))
    while !p.atEnd {
      let line = p.line
      switch p.statement() {
      case .entry(let e): entries.append(e)
      case .nothing: break
      case .error:
        badLines.append(line)
        p.skipLine()
      }
    }
  }

  /// The bindings after `${…}` expansion. As with python-dotenv's `load_dotenv(override=False)`,
  /// a variable of `environment` wins over the file's value in an expansion.
  public func resolved(environment: [String: String]) -> [String: String] {
    var values: [String: String] = [:]
    for entry in entries {
      guard let raw = entry.value else { continue }
      values[entry.key] =
        entry.expands
        ? EnvFile.expand(raw) { environment[$0] ?? values[$0] } : raw
    }
    return values
  }

  /// The keys whose value takes in one of `secrets` through `${…}`, directly or through
  /// another key of the file that does, with the line and the secret's name. A key set again
  /// later without a secret is clean again.
  public func derived(from secrets: Set<String>) -> [String: (line: Int, secret: String)] {
    var tainted: [String: (line: Int, secret: String)] = [:]
    for entry in entries {
      guard let raw = entry.value, entry.expands else {
        tainted[entry.key] = nil
        continue
      }
      var source: String?
      _ = EnvFile.expand(raw) { name in
        if source == nil { source = secrets.contains(name) ? name : tainted[name]?.secret }
        return nil
      }
      tainted[entry.key] = source.map { (entry.line, $0) }
    }
    return tainted
  }

  static func expand(_ text: String, _ lookup: (String) -> String?) -> String {
    let c = Array(text.unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < c.count {
      guard c[i] == "$", i + 1 < c.count, c[i + 1] == "{",
        let close = c[(i + 2)...].firstIndex(of: "}")
      else {
        out.append(c[i])
        i += 1
        continue
      }
      let inner = Array(c[(i + 2)..<close])
      var name = String(String.UnicodeScalarView(inner))
      var fallback: String?
      if let sep = inner.indices.first(where: {
        inner[$0] == ":" && $0 + 1 < inner.count && inner[$0 + 1] == "-"
      }) {
        name = String(String.UnicodeScalarView(inner[..<sep]))
        fallback = String(String.UnicodeScalarView(inner[(sep + 2)...]))
      }
      let value =
        lookup(name).flatMap { $0.isEmpty && fallback != nil ? nil : $0 } ?? fallback ?? ""
      out.append(contentsOf: value.unicodeScalars)
      i = close + 1
    }
    return String(out)
  }
}

extension EnvFile {
  enum Statement {
    case entry(Entry)
    case nothing, error
  }

  struct Parser {
    let c: [Unicode.Scalar]
    var i = 0
    var line = 1

    init(_ c: [Unicode.Scalar]) { self.c = c }

    var atEnd: Bool { i >= c.count }
    func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < c.count ? c[i + k] : nil }
    mutating func advance() {
      if c[i] == "\n" { line += 1 }
      i += 1
    }
    mutating func skipBlanks() {
      while let x = peek(), x == " " || x == "\t" || x == "\r" { i += 1 }
    }
    mutating func skipLine() {
      while let x = peek(), x != "\n" { i += 1 }
      if !atEnd { advance() }
    }
    /// After a value: blanks, an optional comment, then the end of the line.
    mutating func endOfLine() -> Bool {
      skipBlanks()
      if peek() == "#" { while let x = peek(), x != "\n" { i += 1 } }
      if atEnd { return true }
      if peek() == "\n" {
        advance()
        return true
      }
      return false
    }

    mutating func statement() -> Statement {
      skipBlanks()
      guard let first = peek() else { return .nothing }
      if first == "\n" {
        advance()
        return .nothing
      }
      if first == "#" {
        skipLine()
        return .nothing
      }
      let startLine = line
      if matches("export"), let after = peek(6), after == " " || after == "\t" {
        i += 6
        skipBlanks()
      }
      guard let key = key() else { return .error }
      skipBlanks()
      if peek() != "=" {
        return endOfLine()
          ? .entry(Entry(key: key, value: nil, line: startLine, expands: false)) : .error
      }
      i += 1
      skipBlanks()
      switch peek() {
      case "'":
        guard let v = quoted("'") else { return .error }
        return endOfLine()
          ? .entry(Entry(key: key, value: v, line: startLine, expands: true)) : .error
      case "\"":
        guard let v = quoted("\"") else { return .error }
        return endOfLine()
          ? .entry(Entry(key: key, value: v, line: startLine, expands: true)) : .error
      default:
        var v = String.UnicodeScalarView()
        while let x = peek(), x != "\n" {
          if x == "#", let prev = v.last, prev == " " || prev == "\t" { break }
          v.append(x)
          i += 1
        }
        if !atEnd && peek() == "#" { while let x = peek(), x != "\n" { i += 1 } }
        if !atEnd { advance() }
        let value = String(v).trimming(Blanks.spaceTabAndLineEnds)
        return .entry(Entry(key: key, value: value, line: startLine, expands: true))
      }
    }

    func matches(_ word: String) -> Bool {
      for (k, s) in word.unicodeScalars.enumerated() where peek(k) != s { return false }
      return true
    }

    mutating func key() -> String? {
      if let q = peek(), q == "'" || q == "\"" {
        // An empty quoted key (`''`) is no key: python-dotenv refuses the line.
        guard let k = quoted(q, escapes: false), !k.isEmpty else { return nil }
        return k
      }
      var k = String.UnicodeScalarView()
      while let x = peek(), x != "=", x != "#", x != " ", x != "\t", x != "\n", x != "\r" {
        k.append(x)
        i += 1
      }
      return k.isEmpty ? nil : String(k)
    }

    /// A quoted string; `\\` and the quote are escapes in both kinds, and double quotes also
    /// take `\n`, `\t`, `\r` and friends, as python-dotenv decodes them.
    mutating func quoted(_ q: Unicode.Scalar, escapes: Bool = true) -> String? {
      i += 1
      var v = String.UnicodeScalarView()
      while let x = peek() {
        if x == q {
          i += 1
          return String(v)
        }
        if x == "\\", escapes, let n = peek(1) {
          if n == q || n == "\\" {
            v.append(n)
            i += 2
            continue
          }
          if q == "\"" {
            let map: [Unicode.Scalar: Unicode.Scalar] = [
              "n": "\n", "t": "\t", "r": "\r", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}",
              "v": "\u{0B}", "'": "'",
            ]
            if let m = map[n] {
              v.append(m)
              i += 2
              continue
            }
          }
        }
        v.append(x)
        advance()
      }
      return nil
    }
  }
}

import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// authctl's observer: lines for stderr — warnings, notices, progress and the SMTP transcript,
/// never results (stdout) and never secrets. `-q` silences notices, warnings and progress; the
/// transcript (`MAIL_DEBUG`) is asked for, so it stays.
struct Diagnostics: Observer {
  /// `-q`.
  let quiet: Bool

  /// `authctl: warning: text` on stderr, control characters escaped (`TerminalText`).
  func warn(_ text: String) {
    guard !quiet else { return }
    Self.write("authctl: warning: \(TerminalText.escaped(text))\n")
  }

  /// `authctl: text` on stderr, control characters escaped (`TerminalText`).
  func notice(_ text: String) {
    guard !quiet else { return }
    Self.write("authctl: \(TerminalText.escaped(text))\n")
  }

  /// One transcript line, already escaped by the SMTP client.
  func transcript(_ line: String) {
    Self.write(line + "\n")
  }

  /// A progress line, drawn only when stderr is a terminal and `-q` was not given.
  func progress(_ label: String, total: Int?) -> any ProgressDisplay {
    ProgressLine(label, total: total, enabled: !quiet && isatty(2) == 1)
  }

  /// Writes `text` to stderr unbuffered; a stderr that cannot be written is ignored.
  static func write(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return }
      bytes = bytes.dropFirst(n)
    }
  }
}

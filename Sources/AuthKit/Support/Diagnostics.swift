#if canImport(Glibc)
  import Glibc
#endif

/// Lines for stderr: warnings and notices, never results (stdout) and never secrets.
public enum Diagnostics {
  /// `-q` silences notices and warnings.
  nonisolated(unsafe) public static var quiet = false

  /// `authctl: warning: text` on stderr, control characters escaped (`TerminalText`).
  public static func warn(_ text: String) {
    guard !quiet else { return }
    write("authctl: warning: \(TerminalText.escaped(text))\n")
  }

  /// `authctl: text` on stderr, control characters escaped (`TerminalText`).
  public static func notice(_ text: String) {
    guard !quiet else { return }
    write("authctl: \(TerminalText.escaped(text))\n")
  }

  /// Writes `text` to stderr unbuffered; a stderr that cannot be written is ignored.
  public static func write(_ text: String) {
    try? writeAll(2, Array(text.utf8), "write stderr")
  }
}

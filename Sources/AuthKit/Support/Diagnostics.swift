#if canImport(Glibc)
  import Glibc
#endif

/// Lines for stderr: warnings and notices, never results (stdout) and never secrets.
public enum Diagnostics {
  /// `-q` silences notices and warnings.
  nonisolated(unsafe) public static var quiet = false

  /// `authctl: warning: text` on stderr.
  public static func warn(_ text: String) {
    guard !quiet else { return }
    write("authctl: warning: \(text)\n")
  }

  /// `authctl: text` on stderr.
  public static func notice(_ text: String) {
    guard !quiet else { return }
    write("authctl: \(text)\n")
  }

  /// Writes `text` to stderr unbuffered.
  public static func write(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buf in
      var off = 0
      while off < buf.count {
        let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        off += n
      }
    }
  }
}

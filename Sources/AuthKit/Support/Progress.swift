#if canImport(Glibc)
  import Glibc
#endif

/// A progress line on stderr for long work (import, export, purge, mail flush), shown only when
/// stderr is a terminal and `-q` was not given; redrawn at most ten times a second.
public final class Progress {
  let label: String
  let total: Int?
  let enabled: Bool
  var last: timespec = timespec()
  var drawn = false

  public init(_ label: String, total: Int? = nil) {
    self.label = label
    self.total = total
    enabled = !Diagnostics.quiet && isatty(2) == 1
  }

  /// Shows that `done` items are finished.
  public func update(_ done: Int) {
    guard enabled else { return }
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let elapsed = (now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1_000_000
    guard elapsed >= 100 || done == total else { return }
    last = now
    let of = total.map { " of \($0)" } ?? ""
    Diagnostics.write("\r\u{1B}[K\(label): \(done)\(of)")
    drawn = true
  }

  /// Shows the label alone, for work done in one step (a purge is one DELETE).
  public func working() {
    guard enabled else { return }
    Diagnostics.write("\r\u{1B}[K\(label)…")
    drawn = true
  }

  /// Clears the line.
  public func finish() {
    guard enabled, drawn else { return }
    Diagnostics.write("\r\u{1B}[K")
  }
}

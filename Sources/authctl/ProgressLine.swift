import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// A progress line on stderr for long work (import, export, purge, mail flush), redrawn at
/// most ten times a second; `Diagnostics` enables it only on a terminal without `-q`.
final class ProgressLine: ProgressDisplay {
  let label: String
  let total: Int?
  let enabled: Bool
  var last: timespec = timespec()
  var drawn = false

  init(_ label: String, total: Int?, enabled: Bool) {
    self.label = label
    self.total = total
    self.enabled = enabled
  }

  func update(_ done: Int) {
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

  func working() {
    guard enabled else { return }
    Diagnostics.write("\r\u{1B}[K\(label)…")
    drawn = true
  }

  func finish() {
    guard enabled, drawn else { return }
    Diagnostics.write("\r\u{1B}[K")
  }
}

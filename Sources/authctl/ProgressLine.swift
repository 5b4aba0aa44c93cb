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
  var started: timespec = timespec()
  var drawn = false

  init(_ label: String, total: Int?, enabled: Bool) {
    self.label = label
    self.total = total
    self.enabled = enabled
    clock_gettime(CLOCK_MONOTONIC, &started)
  }

  /// Milliseconds from `a` to `b`.
  static func milliseconds(_ a: timespec, _ b: timespec) -> Int {
    (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1_000_000
  }

  /// `importing: 1200000 rows, 98000/s, 1:45 left`: the rows, the rate so far and, from the
  /// `fraction` of the input read (0…1), the time left.
  func update(rows: Int, fraction: Double?) {
    guard enabled else { return }
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    guard Self.milliseconds(last, now) >= 100 else { return }
    last = now
    let elapsed = Double(max(Self.milliseconds(started, now), 1)) / 1000
    var text = "\(label): \(rows) rows, \(Int(Double(rows) / elapsed))/s"
    if let fraction, fraction > 0.001 {
      let left = Int(elapsed * (1 - min(fraction, 1)) / fraction)
      let seconds = String(left % 60)
      text += ", \(left / 60):\(seconds.count < 2 ? "0" + seconds : seconds) left"
    }
    Diagnostics.write("\r\u{1B}[K\(text)")
    drawn = true
  }

  func update(_ done: Int) {
    guard enabled else { return }
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    guard Self.milliseconds(last, now) >= 100 || done == total else { return }
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

#if canImport(Glibc)
  import Glibc
#endif

/// Elapsed time on the monotonic clock (clock_gettime(2), `CLOCK_MONOTONIC`), for how long
/// work took — never a time of day (that is `Clock`'s).
public struct Stopwatch: Sendable {
  let start: UInt64

  public init() { start = Self.nanoseconds() }

  /// Nanoseconds since an arbitrary fixed point.
  public static func nanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
  }

  /// Nanoseconds this thread has spent runnable but waiting for a CPU since it started: the
  /// second field of `/proc/thread-self/schedstat` (Linux, Documentation/scheduler/
  /// sched-stats.rst); 0 where it cannot be read. Subtracted from a timed span, it leaves the
  /// span's own work and I/O, not the scheduler's delays on a busy machine.
  public static func runQueueWait() -> UInt64 {
    let fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 96)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 96) }
    guard n > 0 else { return 0 }
    let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
    guard fields.count >= 2 else { return 0 }
    var value: UInt64 = 0
    for c in fields[1] where c >= 0x30 && c <= 0x39 { value = value &* 10 &+ UInt64(c - 0x30) }
    return value
  }

  /// Time since `init`.
  public var elapsed: Duration { .nanoseconds(Int64(Self.nanoseconds() &- start)) }
}

extension Duration {
  /// The duration in milliseconds, with fractions.
  public var milliseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
  }
}

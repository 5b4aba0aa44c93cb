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

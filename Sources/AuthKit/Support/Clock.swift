#if canImport(Glibc)
  import Glibc
#endif

/// Where AuthKit takes the current time from, so flow tests can move it (DESIGN.md, "Time").
/// The binary has only `system`; tests build one over a clock they advance.
public struct Clock: Sendable {
  private let source: @Sendable () -> Instant

  public init(_ source: @escaping @Sendable () -> Instant) { self.source = source }

  /// The current time.
  public func now() -> Instant { source() }

  /// The system's clock. The binary has no other.
  public static let system = Clock { Instant(seconds: Int64(time(nil))) }

  /// A clock stopped at `instant`, for tests.
  public static func fixed(_ instant: Instant) -> Clock { Clock { instant } }
}

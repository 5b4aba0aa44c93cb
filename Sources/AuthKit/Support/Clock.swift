#if canImport(Glibc)
  import Glibc
#endif

/// Where AuthKit takes the current time from, so flow tests can move it (DESIGN.md, "Time").
///
/// Times are whole seconds since the Unix epoch; every stored time is their ISO-8601 UTC text.
public struct Clock: Sendable {
  private let source: @Sendable () -> Int64

  public init(_ source: @escaping @Sendable () -> Int64) { self.source = source }

  /// The current time, in seconds since the epoch.
  public func now() -> Int64 { source() }

  /// The system's clock. The binary has no other.
  public static let system = Clock { Int64(time(nil)) }

  /// A clock stopped at `seconds`, for tests.
  public static func fixed(_ seconds: Int64) -> Clock { Clock { seconds } }
}

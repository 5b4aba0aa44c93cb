/// A moment in time, in whole seconds since the Unix epoch (DESIGN.md, "Time"): what a `Clock`
/// tells, what records carry (`Account.lockedUntil`, `Session.expiresAt`, a code's expiry, an
/// outbox message's next attempt) and what flows compare. It becomes text only at an edge: the
/// store's adapter writes and reads ISO-8601 (`Timestamp`), and the command line prints it.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z.
  public var seconds: Int64

  public init(seconds: Int64) { self.seconds = seconds }

  /// The Unix epoch.
  public static let epoch = Instant(seconds: 0)

  public static func < (a: Instant, b: Instant) -> Bool { a.seconds < b.seconds }

  /// `d` later, in whole seconds (a fraction is dropped). Durations are bounded where they are
  /// read (`DurationText.maximum`), so this cannot overflow.
  public static func + (t: Instant, d: Duration) -> Instant {
    Instant(seconds: t.seconds + d.components.seconds)
  }

  /// `d` earlier, in whole seconds.
  public static func - (t: Instant, d: Duration) -> Instant {
    Instant(seconds: t.seconds - d.components.seconds)
  }

  /// The time from `b` to `a`.
  public static func - (a: Instant, b: Instant) -> Duration { .seconds(a.seconds - b.seconds) }

  public static func += (t: inout Instant, d: Duration) { t = t + d }

  /// ISO-8601 UTC text, `2026-11-25T12:00:00Z`: how a person reads it in a message.
  public var description: String { Timestamp.format(self) }
}

import AuthKit
import Synchronization

/// A clock the test moves by hand (the shape of pointfreeco/swift-clocks' `TestClock`, for
/// AuthKit's `Clock` of whole-second instants): flows read `now` through `clock`, and
/// `advance(by:)` moves it — no sleep, no wall clock.
final class TestClock: Sendable {
  private let current: Mutex<Instant>

  /// Starts at `now`: 2025-11-25T12:00:00Z unless told.
  init(now: Instant = Instant(seconds: 1_764_072_000)) { current = Mutex(now) }

  /// The time the clock shows.
  var now: Instant { current.withLock { $0 } }

  /// Moves the clock forward by `duration`.
  func advance(by duration: Duration) { current.withLock { $0 = $0 + duration } }

  /// The `Clock` flows read.
  var clock: Clock { Clock { [self] in self.now } }
}

/// The outbox at a glance (`OutboxRecords.outboxSummary`), for `authctl stats`.
public struct OutboxSummary: Sendable, Equatable {
  /// Queued and due now.
  public var due: Int
  /// Queued, waiting for a retry after a temporary failure.
  public var deferred: Int
  /// Failed for good (kept, without body, until the outbox retention).
  public var failed: Int
  /// When the oldest queued message (due or deferred) was queued; nil when none.
  public var oldestWaitingAt: Instant?

  public init(due: Int, deferred: Int, failed: Int, oldestWaitingAt: Instant?) {
    self.due = due
    self.deferred = deferred
    self.failed = failed
    self.oldestWaitingAt = oldestWaitingAt
  }
}

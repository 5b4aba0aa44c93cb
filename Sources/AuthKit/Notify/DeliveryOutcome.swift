/// What became of one queued message a `Notifier` was given.
public enum DeliveryOutcome: Sendable, Equatable {
  /// The peer took it for good (SMTP's final 250, a mailbox's fsync): marked sent.
  case sent
  /// Deliberately not sent (`MAIL_SUPPRESS_SEND`): marked suppressed.
  case suppressed
  /// A temporary failure: stays queued with `reason`, retried after the backoff
  /// (`Outbox.backoff`) or after `retryAfter` when the peer asked for longer (HTTP 429's
  /// `Retry-After`); fails for good at the last attempt (`Outbox.maxAttempts`).
  case deferred(reason: String, retryAfter: Duration? = nil)
  /// A permanent failure (a 5xx reply, an address that cannot be written): marked failed.
  case failed(reason: String)
  /// Not tried (the connection broke before it): stays queued and due, and the run stops.
  case untried
}

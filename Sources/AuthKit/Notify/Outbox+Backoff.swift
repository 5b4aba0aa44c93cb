extension Outbox {
  /// Attempts a message gets: a temporary failure at the last one fails it for good. With the
  /// backoff below they span about 21 hours (1 + 5 + 15 min + 1 h + 5 × 4 h), as a mail
  /// server's queue lifetime bounds its retries (Postfix's `maximal_queue_lifetime`).
  public static let maxAttempts = 10

  /// The wait before attempt `attempts + 1`: 1 min, 5 min, 15 min, 1 h, then 4 h.
  static func backoff(afterAttempts attempts: Int) -> Duration {
    let steps: [Int64] = [60, 300, 900, 3600]
    return .seconds(attempts - 1 < steps.count ? steps[max(0, attempts - 1)] : 14_400)
  }

  /// How many messages a flusher claims at a time for each of its connections: small enough
  /// that several flushers share a long queue.
  public static let claimBatch = 50
}

/// How long each kind of record is kept (issue 17): audit events, finished outbox messages,
/// and the rows of ended sessions.
public struct Retention: Sendable, Equatable {
  /// `AUTHCTL_AUDIT_RETENTION`, seconds (default 365 days).
  public var audit: Int64
  /// `AUTHCTL_OUTBOX_RETENTION`, seconds (default 30 days): sent, suppressed and failed mail.
  public var outbox: Int64
  /// `AUTHCTL_SESSION_RETENTION`, seconds (default 30 days): sessions revoked or expired.
  public var sessions: Int64

  public init(audit: Int64, outbox: Int64, sessions: Int64) {
    self.audit = audit
    self.outbox = outbox
    self.sessions = sessions
  }
}

/// What a prune removed (or, dry, would remove) from one table.
public struct PruneCount: Sendable, Equatable {
  /// `audit`, `outbox` or `sessions`.
  public var table: String
  public var removed: Int
  /// Records older than this time went (ISO 8601).
  public var cutoff: String
}

/// What `authctl prune` did.
public struct PruneResult: Sendable {
  public var counts: [PruneCount]
  public var dryRun: Bool
  /// Write transactions run, the longest and the median time one held the write lock.
  public var batches: Int
  public var longestBatch: Duration
  public var medianBatch: Duration
}

/// `authctl prune [--dry-run]` (issue 17): removes what is past its retention — audit events,
/// finished mail, ended sessions — in batches, each its own short write transaction, sized so
/// that none holds the write lock for more than `targetBatch` (then another command waiting
/// for it waits about that, far less than 100 ms even on a busy machine): the batch size is
/// scaled after each batch from the time it took. Queued mail and live sessions are never touched. One
/// audit event says what went.
public struct Prune {
  /// The time a batch aims to hold the write lock.
  public static let targetBatch = Duration.milliseconds(10)
  /// The first batch, and the bounds of later ones.
  static let firstBatch = 500
  static let batchRange = 50...100_000

  public let store: any Store
  public let clock: Clock
  public let retention: Retention
  /// Shows the prune's progress.
  public let observer: any Observer

  public init(store: any Store, clock: Clock, retention: Retention, observer: any Observer) {
    self.store = store
    self.clock = clock
    self.retention = retention
    self.observer = observer
  }

  public func run(dryRun: Bool) throws -> PruneResult {
    let now = clock.now()
    let cutoffs = [
      ("audit", Timestamp.format(now - retention.audit)),
      ("outbox", Timestamp.format(now - retention.outbox)),
      ("sessions", Timestamp.format(now - retention.sessions)),
    ]
    if dryRun {
      let counts = try store.read { tx in
        try cutoffs.map { table, cutoff in
          let n: Int
          switch table {
          case "audit": n = try tx.auditEventCount(before: cutoff)
          case "outbox": n = try tx.finishedMessageCount(before: cutoff)
          default: n = try tx.endedSessionCount(before: cutoff)
          }
          return PruneCount(table: table, removed: n, cutoff: cutoff)
        }
      }
      return PruneResult(
        counts: counts, dryRun: true, batches: 0, longestBatch: .zero, medianBatch: .zero)
    }
    let progress = observer.progress("pruning", total: nil)
    defer { progress.finish() }
    var counts: [PruneCount] = []
    var held: [Duration] = []
    var size = Self.firstBatch
    var total = 0
    for (table, cutoff) in cutoffs {
      var removed = 0
      while true {
        let (n, took) = try store.timedWrite { tx -> Int in
          switch table {
          case "audit": return try tx.deleteAuditEvents(before: cutoff, limit: size)
          case "outbox": return try tx.deleteFinishedMessages(before: cutoff, limit: size)
          default: return try tx.deleteEndedSessions(before: cutoff, limit: size)
          }
        }
        held.append(took)
        removed += n
        progress.update(total + removed)
        if n < size { break }
        size = Self.nextSize(size, took: took)
      }
      total += removed
      counts.append(PruneCount(table: table, removed: removed, cutoff: cutoff))
    }
    let detail = counts.map { "\($0.removed) \($0.table) row(s) before \($0.cutoff)" }
    try store.write { tx in
      try tx.record(
        AuditEvent(
          at: Timestamp.format(now), event: "admin.prune",
          detail: "removed " + detail.joined(separator: ", ")))
    }
    let sorted = held.sorted()
    return PruneResult(
      counts: counts, dryRun: false, batches: held.count, longestBatch: sorted.last ?? .zero,
      medianBatch: sorted.isEmpty ? .zero : sorted[sorted.count / 2])
  }

  /// The next batch's size: scaled toward `targetBatch` from the time `size` rows took, at most
  /// doubled or halved at once.
  static func nextSize(_ size: Int, took: Duration) -> Int {
    let ratio = targetBatch.milliseconds / max(took.milliseconds, 0.1)
    let scaled = Double(size) * min(max(ratio, 0.5), 2)
    return min(max(Int(scaled), batchRange.lowerBound), batchRange.upperBound)
  }
}

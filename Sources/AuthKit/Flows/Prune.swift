/// How long each kind of record is kept (issue 17): audit events, finished outbox messages,
/// and the rows of ended sessions.
public struct Retention: Sendable, Equatable {
  /// `AUTHCTL_AUDIT_RETENTION` (default 365 days).
  public var audit: Duration
  /// `AUTHCTL_OUTBOX_RETENTION` (default 30 days): sent, suppressed and failed mail.
  public var outbox: Duration
  /// `AUTHCTL_SESSION_RETENTION` (default 30 days): sessions revoked or expired.
  public var sessions: Duration

  public init(audit: Duration, outbox: Duration, sessions: Duration) {
    self.audit = audit
    self.outbox = outbox
    self.sessions = sessions
  }

  /// The retentions of `settings`.
  public init(_ settings: Settings) {
    self.init(
      audit: settings.auditRetention, outbox: settings.outboxRetention,
      sessions: settings.sessionRetention)
  }
}

/// What a prune removed (or, dry, would remove) from one table.
public struct PruneCount: Sendable, Equatable {
  /// `audit`, `outbox`, `sessions` or `hooks` (delivered and given-up hook events, kept as long
  /// as finished mail).
  public var table: String
  public var removed: Int
  /// Records older than this went.
  public var cutoff: Instant
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

  let ctx: FlowContext
  public let retention: Retention

  /// A prune with the retentions of the context's settings, or those given.
  public init(_ ctx: FlowContext, retention: Retention? = nil) {
    self.ctx = ctx
    self.retention = retention ?? Retention(ctx.settings)
  }

  public func run(dryRun: Bool) throws -> PruneResult {
    let now = ctx.now()
    let cutoffs = [
      ("audit", now - retention.audit), ("outbox", now - retention.outbox),
      ("sessions", now - retention.sessions), ("hooks", now - retention.outbox),
    ]
    if dryRun {
      let counts = try ctx.store.read { tx in
        try cutoffs.map { table, cutoff in
          let n: Int
          switch table {
          case "audit": n = try tx.auditEventCount(before: cutoff)
          case "outbox": n = try tx.finishedMessageCount(before: cutoff)
          case "hooks": n = try tx.finishedHookEventCount(before: cutoff)
          default: n = try tx.endedSessionCount(before: cutoff)
          }
          return PruneCount(table: table, removed: n, cutoff: cutoff)
        }
      }
      return PruneResult(
        counts: counts, dryRun: true, batches: 0, longestBatch: .zero, medianBatch: .zero)
    }
    let progress = ctx.observer.progress("pruning", total: nil)
    defer { progress.finish() }
    return try ctx.run("admin.prune") { run in
      var counts: [PruneCount] = []
      var held: [Duration] = []
      var size = Self.firstBatch
      var total = 0
      for (table, cutoff) in cutoffs {
        var removed = 0
        while true {
          // Each batch its own short transaction, timed by the store; nothing is queued.
          let (n, took) = try ctx.store.timedWrite { tx -> Int in
            switch table {
            case "audit": return try tx.deleteAuditEvents(before: cutoff, limit: size)
            case "outbox": return try tx.deleteFinishedMessages(before: cutoff, limit: size)
            case "hooks": return try tx.deleteFinishedHookEvents(before: cutoff, limit: size)
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
      try run.write { tx in
        try run.succeeded(tx, nil, detail: "removed " + detail.joined(separator: ", "))
      }
      let sorted = held.sorted()
      return PruneResult(
        counts: counts, dryRun: false, batches: held.count, longestBatch: sorted.last ?? .zero,
        medianBatch: sorted.isEmpty ? .zero : sorted[sorted.count / 2])
    }
  }

  /// The next batch's size: scaled toward `targetBatch` from the time `size` rows took, at most
  /// doubled or halved at once.
  static func nextSize(_ size: Int, took: Duration) -> Int {
    let ratio = targetBatch.milliseconds / max(took.milliseconds, 0.1)
    let scaled = Double(size) * min(max(ratio, 0.5), 2)
    return min(max(Int(scaled), batchRange.lowerBound), batchRange.upperBound)
  }
}

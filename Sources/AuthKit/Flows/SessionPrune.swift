/// What a session prune removed (or, dry, would remove).
public struct SessionPruneResult: Sendable {
  public var removed: Int
  /// Rows of sessions that ended before this time were removed.
  public var cutoff: Instant
  public var dryRun: Bool
}

/// `authctl sessions prune [--older-than D] [--dry-run]` (issue 11, property 16): deletes the
/// rows of sessions that ended — revoked, or expired — more than `olderThan` ago (30 days by
/// default), so the table does not grow with every login. Live sessions are never touched,
/// and a session ended less than `olderThan` ago stays for `users show` and forensics. One
/// write transaction with its audit event; meant for cron.
public struct SessionPrune {
  /// The default age of an ended session's row before it is pruned: 30 days.
  public static let defaultAge = Duration.seconds(30 * 86_400)

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  public func run(olderThan: Duration = defaultAge, dryRun: Bool) throws -> SessionPruneResult {
    let cutoff = ctx.now() - olderThan
    if dryRun {
      let n = try ctx.store.read { try $0.endedSessionCount(before: cutoff) }
      return SessionPruneResult(removed: n, cutoff: cutoff, dryRun: true)
    }
    return try ctx.run("admin.sessions-prune") { run in
      try run.write { tx in
        let n = try tx.deleteEndedSessions(before: cutoff)
        try run.succeeded(tx, nil, detail: "removed \(n) session(s) ended before \(cutoff)")
        return SessionPruneResult(removed: n, cutoff: cutoff, dryRun: false)
      }
    }
  }
}

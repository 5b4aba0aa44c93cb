/// What a session prune removed (or, dry, would remove).
public struct SessionPruneResult: Sendable {
  public var removed: Int
  /// Rows of sessions that ended before this time were removed.
  public var cutoff: String
  public var dryRun: Bool
}

/// `authctl sessions prune [--older-than D] [--dry-run]` (issue 11, property 16): deletes the
/// rows of sessions that ended — revoked, or expired — more than `olderThan` ago (30 days by
/// default), so the table does not grow with every login. Live sessions are never touched,
/// and a session ended less than `olderThan` ago stays for `users show` and forensics. One
/// write transaction with its audit event; meant for cron.
public struct SessionPrune {
  /// The default age of an ended session's row before it is pruned: 30 days.
  public static let defaultAge: Int64 = 30 * 86_400

  public let store: any Store
  public let clock: Clock

  public init(store: any Store, clock: Clock) {
    self.store = store
    self.clock = clock
  }

  public func run(olderThan: Int64 = defaultAge, dryRun: Bool) throws -> SessionPruneResult {
    let now = clock.now()
    let cutoff = Timestamp.format(now - olderThan)
    let work = { (tx: any StoreTransaction) throws -> SessionPruneResult in
      if dryRun {
        let n = try tx.endedSessionCount(before: cutoff)
        return SessionPruneResult(removed: n, cutoff: cutoff, dryRun: true)
      }
      let n = try tx.deleteEndedSessions(before: cutoff)
      try tx.record(
        AuditEvent(
          at: Timestamp.format(now), event: "admin.sessions-prune", ok: true,
          detail: "removed \(n) session(s) ended before \(cutoff)"))
      return SessionPruneResult(removed: n, cutoff: cutoff, dryRun: false)
    }
    return try dryRun ? store.read(work) : store.write(work)
  }
}

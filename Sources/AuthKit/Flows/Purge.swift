/// What a purge removed (or, dry, would remove).
public struct PurgeResult: Sendable {
  public var removed: Int
  public var emails: [String]
  public var dryRun: Bool
}

/// `users purge --unconfirmed --older-than D`: the cron job of issue 6. One write transaction,
/// so an account confirmed before it starts is kept and one confirmed after it waits for the
/// lock and then finds its account gone (and says so) — never a confirmed account removed.
public struct Purge {
  public let store: any Store
  public let clock: Clock
  /// Shows the purge under way.
  public let observer: any Observer

  public init(store: any Store, clock: Clock, observer: any Observer) {
    self.store = store
    self.clock = clock
    self.observer = observer
  }

  /// Removes unconfirmed accounts created more than `olderThan` seconds ago. `listEmails`
  /// collects their addresses (always done for a dry run).
  public func run(olderThan: Int64, dryRun: Bool, listEmails: Bool) throws -> PurgeResult {
    let now = clock.now()
    let nowText = Timestamp.format(now)
    let cutoff = Timestamp.format(now - olderThan)
    let progress = observer.progress(
      dryRun ? "finding unconfirmed accounts" : "purging unconfirmed accounts", total: nil)
    progress.working()
    defer { progress.finish() }
    return try store.write { tx in
      var emails: [String] = []
      if dryRun || listEmails { emails = try tx.unconfirmedEmails(createdBefore: cutoff) }
      if dryRun { return PurgeResult(removed: emails.count, emails: emails, dryRun: true) }
      let removed = try tx.deleteUnconfirmed(createdBefore: cutoff)
      try tx.record(
        AuditEvent(
          at: nowText, event: "admin.purge", ok: true,
          detail: "removed \(removed) unconfirmed account(s) created before \(cutoff)"))
      return PurgeResult(removed: removed, emails: emails, dryRun: false)
    }
  }
}

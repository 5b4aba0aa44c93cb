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
  public let db: Connection
  public let clock: Clock
  /// Shows the purge under way.
  public let observer: any Observer

  public init(db: Connection, clock: Clock, observer: any Observer) {
    self.db = db
    self.clock = clock
    self.observer = observer
  }

  /// Removes unconfirmed accounts created more than `olderThan` seconds ago. `listEmails`
  /// collects their addresses (always done for a dry run).
  public func run(olderThan: Int64, dryRun: Bool, listEmails: Bool) throws -> PurgeResult {
    let now = clock.now()
    let nowText = Timestamp.format(now)
    let cutoff = Timestamp.format(now - olderThan)
    let condition = "activated_at IS NULL AND created_at < ?1"
    let progress = observer.progress(
      dryRun ? "finding unconfirmed accounts" : "purging unconfirmed accounts", total: nil)
    progress.working()
    defer { progress.finish() }
    return try db.write {
      var emails: [String] = []
      if dryRun || listEmails {
        emails = try db.all(
          "SELECT email FROM users WHERE \(condition) ORDER BY rowid", [.text(cutoff)]
        ) { $0.optionalText(0) ?? "" }
      }
      if dryRun { return PurgeResult(removed: emails.count, emails: emails, dryRun: true) }
      try db.run(
        """
        DELETE FROM outbox WHERE user_id IN (SELECT id FROM users WHERE \(condition))
        """, [.text(cutoff)])
      let removed = try db.run("DELETE FROM users WHERE \(condition)", [.text(cutoff)])
      try AuditLog.record(
        db,
        AuditEvent(
          at: nowText, event: "admin.purge", ok: true,
          detail: "removed \(removed) unconfirmed account(s) created before \(cutoff)"))
      return PurgeResult(removed: removed, emails: emails, dryRun: false)
    }
  }
}

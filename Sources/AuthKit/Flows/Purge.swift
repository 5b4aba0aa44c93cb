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
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Removes unconfirmed accounts created more than `olderThan` ago. `listEmails` collects
  /// their addresses (always done for a dry run).
  public func run(olderThan: Duration, dryRun: Bool, listEmails: Bool) throws -> PurgeResult {
    let cutoff = ctx.now() - olderThan
    let progress = ctx.observer.progress(
      dryRun ? "finding unconfirmed accounts" : "purging unconfirmed accounts", total: nil)
    progress.working()
    defer { progress.finish() }
    return try ctx.run("admin.purge") { run in
      try run.write { tx in
        var emails: [String] = []
        if dryRun || listEmails { emails = try tx.unconfirmedEmails(createdBefore: cutoff) }
        if dryRun { return PurgeResult(removed: emails.count, emails: emails, dryRun: true) }
        let removed = try tx.deleteUnconfirmed(createdBefore: cutoff)
        try run.succeeded(
          tx, nil, detail: "removed \(removed) unconfirmed account(s) created before \(cutoff)")
        return PurgeResult(removed: removed, emails: emails, dryRun: false)
      }
    }
  }
}

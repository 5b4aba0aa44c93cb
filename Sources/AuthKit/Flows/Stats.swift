/// The numbers of `authctl stats` (issue 17), for an operator's alerts: accounts by status,
/// what a purge would remove, the audit log's recent activity, the outbox, and the size of the
/// database. Every count is over an index, so it stays well under a second at ten million
/// accounts and events (BENCHMARKS.md).
public struct StatsReport: Sendable {
  /// One of the audit log's windows: its length and the counts in it.
  public struct Window: Sendable {
    /// "1h" or "24h".
    public var name: String
    public var length: Duration
    /// Per event counted (`Stats.events`): ok and failed.
    public var counts: [String: (ok: Int, failed: Int)]
  }

  /// When the numbers were taken.
  public var now: Instant
  public var accounts: AccountCounts
  /// The purge age the `unconfirmedBeforeCutoff` count used.
  public var purgeAge: Duration
  public var windows: [Window]
  public var outbox: OutboxSummary
  /// How long the oldest waiting message has waited; nil when none waits.
  public var oldestWaitingAge: Duration?
  public var size: StoreSize
}

/// Takes a `StatsReport` in one read transaction.
public struct Stats {
  /// The audit events counted, as the flows record them: logins (ok and failed), lockouts,
  /// password resets and registrations.
  public static let events = ["login", "lockout", "reset", "register"]
  /// The audit log's windows.
  public static let windows: [(String, Duration)] = [
    ("1h", .seconds(3600)), ("24h", .seconds(86_400)),
  ]

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// The numbers now; `purgeAge` is the age past which an unconfirmed account is counted as
  /// due for `users purge`.
  public func run(purgeAge: Duration) throws -> StatsReport {
    let now = ctx.now()
    let (accounts, windows, outbox) = try ctx.store.read { tx in
      let accounts = try tx.accountCounts(now: now, unconfirmedBefore: now - purgeAge)
      let windows = try Self.windows.map { name, length in
        StatsReport.Window(
          name: name, length: length,
          counts: try tx.auditEventCounts(Self.events, since: now - length))
      }
      return (accounts, windows, try tx.outboxSummary(now: now))
    }
    let oldest = outbox.oldestWaitingAt.map { max(.zero, now - $0) }
    return StatsReport(
      now: now, accounts: accounts, purgeAge: purgeAge, windows: windows, outbox: outbox,
      oldestWaitingAge: oldest, size: try ctx.store.storageSize())
  }
}

/// The numbers of `authctl stats` (issue 17), for an operator's alerts: accounts by status,
/// what a purge would remove, the audit log's recent activity, the outbox, and the size of the
/// database. Every count is over an index, so it stays well under a second at ten million
/// accounts and events (BENCHMARKS.md).
public struct StatsReport: Sendable {
  /// One of the audit log's windows: its length and the counts in it.
  public struct Window: Sendable {
    /// "1h" or "24h".
    public var name: String
    public var seconds: Int64
    /// Per event counted (`Stats.events`): ok and failed.
    public var counts: [String: (ok: Int, failed: Int)]
  }

  /// When the numbers were taken (seconds since the epoch).
  public var now: Int64
  public var accounts: AccountCounts
  /// The purge age the `unconfirmedBeforeCutoff` count used, seconds.
  public var purgeAge: Int64
  public var windows: [Window]
  public var outbox: OutboxSummary
  /// Seconds since the oldest waiting message was queued; nil when none waits.
  public var oldestWaitingAge: Int64?
  public var size: StoreSize
}

/// Takes a `StatsReport` in one read transaction.
public struct Stats {
  /// The audit events counted, as the flows record them: logins (ok and failed), lockouts,
  /// password resets and registrations.
  public static let events = ["login", "lockout", "reset", "register"]
  /// The audit log's windows.
  public static let windows: [(String, Int64)] = [("1h", 3600), ("24h", 86_400)]

  public let store: any Store
  public let clock: Clock

  public init(store: any Store, clock: Clock) {
    self.store = store
    self.clock = clock
  }

  /// The numbers now; `purgeAge` is the age past which an unconfirmed account is counted as
  /// due for `users purge`.
  public func run(purgeAge: Int64) throws -> StatsReport {
    let now = clock.now()
    let nowText = Timestamp.format(now)
    let (accounts, windows, outbox) = try store.read { tx in
      let accounts = try tx.accountCounts(
        now: nowText, unconfirmedBefore: Timestamp.format(now - purgeAge))
      let windows = try Self.windows.map { name, seconds in
        StatsReport.Window(
          name: name, seconds: seconds,
          counts: try tx.auditEventCounts(Self.events, since: Timestamp.format(now - seconds)))
      }
      return (accounts, windows, try tx.outboxSummary(now: nowText))
    }
    let oldest = outbox.oldestWaitingAt.flatMap(Timestamp.parse).map { max(0, now - $0) }
    return StatsReport(
      now: now, accounts: accounts, purgeAge: purgeAge, windows: windows, outbox: outbox,
      oldestWaitingAge: oldest, size: try store.storageSize())
  }
}

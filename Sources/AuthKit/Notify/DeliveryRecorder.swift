import Synchronization

/// Applies a notifier's outcomes to the store as they come (`Notifier.deliver`), each in its
/// own small transaction, and sums them into the run's `DeliveryReport`. Safe to call from
/// several threads (SMTP's parallel connections): one lock orders the marks.
public final class DeliveryRecorder: @unchecked Sendable {
  let store: any Store
  let clock: Clock
  let progress: any ProgressDisplay
  /// True when audit events are queued for the hook program (`AUTHCTL_HOOK` is set).
  let hooks: Bool

  private struct State {
    var report: DeliveryReport
    /// Messages with a final outcome in this run (the progress line's count).
    var done = 0
    /// Ids reported in the current batch (`begin`), and the ones reported untried.
    var reported: Set<Int64> = []
    var untried = 0
  }
  private let state: Mutex<State>

  init(
    store: any Store, clock: Clock, progress: any ProgressDisplay, report: DeliveryReport,
    hooks: Bool = false
  ) {
    self.store = store
    self.clock = clock
    self.progress = progress
    self.hooks = hooks
    state = Mutex(State(report: report))
  }

  /// The report so far.
  public var report: DeliveryReport { state.withLock { $0.report } }

  /// Applies `outcome` to `item`: marked sent, suppressed, deferred (with the backoff, or
  /// `retryAfter` when longer; failed for good at the last attempt) or failed, with the
  /// audit event of a failure, in one small transaction. `.untried` leaves it queued.
  public func record(_ item: OutboxItem, _ outcome: DeliveryOutcome) throws {
    try state.withLock { (s) throws in
      s.reported.insert(item.id)
      switch outcome {
      case .sent:
        try store.write { try $0.markSent(id: item.id, at: clock.now()) }
        s.report.delivered.append((item.id, item.recipient, item.channel))
      case .suppressed:
        try store.write { try $0.markSuppressed(id: item.id, at: clock.now()) }
        s.report.suppressed += 1
        return
      case .deferred(let reason, let retryAfter):
        try deferItem(item, reason, retryAfter: retryAfter, &s.report)
      case .failed(let reason):
        try fail(item, reason, &s.report)
      case .untried:
        s.untried += 1
        return
      }
      s.done += 1
      progress.update(s.done)
    }
  }

  /// A connection that could not be opened while another carried on (`MAIL_CONNECTIONS`).
  public func connectionProblem(_ text: String) {
    state.withLock { $0.report.connectionProblems.append(text) }
  }

  /// Starts a batch: forgets which messages were reported.
  func begin() {
    state.withLock {
      $0.reported = []
      $0.untried = 0
    }
  }

  /// How many of `batch` got no final outcome (never reported, or reported untried).
  func unfinished(_ batch: [OutboxItem]) -> Int {
    state.withLock { s in
      batch.filter { !s.reported.contains($0.id) }.count + s.untried
    }
  }

  func addUntried(_ count: Int) { state.withLock { $0.report.untried += count } }

  func unrouted(_ channel: NotificationChannel, _ count: Int) {
    state.withLock { $0.report.unrouted.append((channel, count)) }
  }

  /// A temporary failure: the message stays queued with its error and a next-attempt time,
  /// unless that was its last attempt (`Outbox.maxAttempts`): then it fails for good.
  private func deferItem(
    _ item: OutboxItem, _ error: String, retryAfter: Duration?, _ report: inout DeliveryReport
  ) throws {
    if item.attempts + 1 >= Outbox.maxAttempts {
      try fail(item, "gave up after \(Outbox.maxAttempts) attempts: \(error)", &report)
      return
    }
    var wait = Outbox.backoff(afterAttempts: item.attempts + 1)
    if let retryAfter, retryAfter > wait { wait = retryAfter }
    let next = clock.now() + wait
    try mark(item, error, event: "deferred") {
      try $0.markDeferred(id: item.id, error: error, next: next)
    }
    report.deferred.append(
      .init(id: item.id, to: item.recipient, error: error, channel: item.channel))
  }

  /// A permanent failure (5xx, or the last attempt): the message is marked failed with the
  /// peer's reply and its body is forgotten, in the same small transaction as the audit.
  private func fail(_ item: OutboxItem, _ error: String, _ report: inout DeliveryReport) throws {
    try mark(item, error, event: "failed") { try $0.markFailed(id: item.id, error: error) }
    report.failed.append(
      .init(id: item.id, to: item.recipient, error: error, channel: item.channel))
  }

  /// Marks the message (`change`) and records the failure's audit event (`mail.deferred`,
  /// `telegram.failed`, …), in one small transaction.
  private func mark(
    _ item: OutboxItem, _ error: String, event: String,
    _ change: (any StoreTransaction) throws -> Void
  ) throws {
    try store.write { tx in
      try change(tx)
      try tx.audit(
        AuditEvent(
          at: clock.now(), event: "\(item.channel.rawValue).\(event)", userID: item.userID,
          email: item.recipient, ok: false, reason: error, detail: item.kind), hooks: hooks)
    }
  }
}

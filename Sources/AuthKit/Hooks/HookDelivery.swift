/// What one hook delivery run did (`HookDelivery.run`).
public struct HookReport: Sendable {
  public struct Problem: Sendable {
    public var id: Int64
    public var event: String
    public var email: String?
    /// Why the run failed, with the first KiB of the program's output.
    public var error: String
  }
  /// Events the program took (exit 0).
  public var delivered = 0
  /// Failed attempts: still queued, with a next-attempt time; their account's later events
  /// wait behind them.
  public var deferred: [Problem] = []
  /// Failed for good (the last attempt failed): their account's later events go on.
  public var failed: [Problem] = []
  /// Another run held the delivery lock and this one (not waiting) did nothing.
  public var busy = false
}

/// Runs the hook program (`AUTHCTL_HOOK`) for the queued hook events (issue 15): `hooks
/// flush`, and authctl after each command when the hook is set.
///
/// - Once per event, oldest first, in order per account (`HookRecords`): an event whose
///   account has an earlier event still queued waits for it; other accounts go on.
/// - Exit 0 marks the event `sent`, in its own small transaction after the program's exit:
///   a kill in between runs it again at the next flush (at least once, never lost).
/// - Any other end (exit status, signal, `AUTHCTL_HOOK_TIMEOUT`) defers it with the outbox's
///   backoff (`Outbox.backoff`); the last of `Outbox.maxAttempts` attempts fails it for good
///   and records `hook.failed`, and its account's later events then go on (else one event the
///   program refuses would hold an account's events forever).
/// - Two runs never run one event at once: on SQLite one run holds the lock file beside the
///   database; on PostgreSQL each event is claimed (`Store.claimHookEvents`).
public struct HookDelivery {
  public let store: any Store
  public let settings: Settings
  public let clock: Clock
  public let observer: any Observer

  public init(store: any Store, settings: Settings, clock: Clock, observer: any Observer) {
    self.store = store
    self.settings = settings
    self.clock = clock
    self.observer = observer
  }

  /// Events read per query.
  static let batch = 100

  /// Runs the program for every due event (every queued one with `all`, backoff or not).
  /// Waits for another run's lock with `wait`, else returns at once with `busy`. Throws a
  /// `ConfigError` (78) when AUTHCTL_HOOK is unset or not to be trusted — before any event
  /// is tried, so none loses an attempt.
  public func run(all: Bool = false, wait: Bool = true) throws -> HookReport {
    guard let configured = settings.hookProgram else {
      throw ConfigError(
        name: "AUTHCTL_HOOK", source: nil, problem: "not set: there is no hook program to run")
    }
    let program = try HookProgram(configured, timeout: settings.hookTimeout)
    var report = HookReport()
    guard let lock = try store.lockHookDelivery(wait: wait) else {
      report.busy = true
      return report
    }
    defer { withExtendedLifetime(lock) {} }
    let progress = observer.progress("running the hook", total: nil)
    defer { progress.finish() }
    var tried: Set<Int64> = []
    while true {
      let now = clock.now()
      let limit = Self.batch + tried.count
      let due = try store.read { try $0.dueHookEvents(now: now, all: all, limit: limit) }
        .filter { !tried.contains($0.id) }
      if due.isEmpty { break }
      for candidate in due {
        tried.insert(candidate.id)
        try deliver(candidate.id, program, all: all, &report)
        progress.update(tried.count)
      }
    }
    return report
  }

  /// Claims the event, re-reads it (another run may have delivered it, or its account may
  /// have an earlier event queued), runs the program and marks the event.
  private func deliver(
    _ id: Int64, _ program: HookProgram, all: Bool, _ report: inout HookReport
  ) throws {
    let claimed = try store.claimHookEvents([id])
    guard !claimed.isEmpty else { return }
    defer { store.releaseHookEvents(claimed) }
    let now = clock.now()
    let event = try store.read { tx -> HookEvent? in
      guard let e = try tx.hookEvent(id: id), e.status == "queued",
        all || e.nextAttemptAt <= now, try !tx.hookEventWaits(id: id)
      else { return nil }
      return e
    }
    guard let event else { return }
    switch program.run(HookPayload.json(event)) {
    case .delivered:
      try store.write { try $0.markHookSent(id: id, at: clock.now()) }
      report.delivered += 1
    case .failed(let cause, let output):
      let error = output.isEmpty ? cause : "\(cause): \(output)"
      try failed(event, cause: cause, error: error, &report)
    }
  }

  /// A failed attempt: deferred with the outbox's backoff, or failed for good at the last
  /// attempt; recorded in the audit (not queued for the hook: its own failures would feed it).
  /// The audit keeps the cause alone, not the program's output.
  private func failed(
    _ e: HookEvent, cause: String, error: String, _ report: inout HookReport
  ) throws {
    let attempts = e.attempts + 1
    let now = clock.now()
    let problem = HookReport.Problem(
      id: e.id, event: e.audit.event, email: e.audit.email, error: error)
    let record = { (event: String, reason: String) in
      AuditEvent(
        at: now, event: event, userID: e.audit.userID, email: e.audit.email, ok: false,
        reason: reason, detail: "\(e.audit.event) #\(e.id)")
    }
    if attempts >= Outbox.maxAttempts {
      let gaveUp = "gave up after \(Outbox.maxAttempts) attempts: "
      try store.write { tx in
        try tx.markHookFailed(id: e.id, error: gaveUp + error)
        try tx.audit(record("hook.failed", gaveUp + cause), hooks: false)
      }
      report.failed.append(problem)
    } else {
      let next = now + Outbox.backoff(afterAttempts: attempts)
      try store.write { tx in
        try tx.markHookDeferred(id: e.id, error: error, next: next)
        try tx.audit(record("hook.deferred", cause), hooks: false)
      }
      report.deferred.append(problem)
    }
  }
}

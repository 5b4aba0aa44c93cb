/// One run of a flow: the kernel every flow runs on (DESIGN.md, "Layers and ports").
///
/// A flow is started with `FlowContext.run(event:)` and does its work through the run:
/// - `write` is one write transaction (`BEGIN IMMEDIATE` on SQLite): read, check, change, and
///   `queue` the notifications the change causes — all or nothing. After the commit the
///   notifications queued in it are delivered (never inside it: DESIGN.md "Transactions" 3),
///   and the report goes to `delivery` and to `FlowContext.deliveries`.
/// - `succeeded` records the run's event inside its transaction; `note` records a side event
///   (a lockout, a session ended at the limit).
/// - A refusal is recorded by the kernel alone, whatever its error type (`FlowError`,
///   `TokenError`, the flood guard's `MailError`, …): an error that leaves the run rolls its
///   transaction back and is recorded as a failed event in its own small transaction.
/// - Every record goes through `StoreTransaction.audit`: with `AUTHCTL_HOOK` set, the event
///   is queued for the hook program in the same transaction as its audit row (issue 15).
/// - `CommitAndRefuse` refuses and keeps what the transaction wrote (a counted wrong code or
///   password, a notice mailed to an account's owner): the failed event is recorded in that
///   same transaction, the commit happens, the queued mail is delivered, then the error is
///   thrown.
///
/// Not recorded: bad input (`FlowError.invalidInput`, `PasswordRejection`: exit 65), answered
/// before anything about an account is decided, so it leaves no trace (BadInputTests); and the
/// store's own failures (`StoreError`), since the record would go to the store that failed.
public final class FlowRun {
  public let ctx: FlowContext
  /// The audit event of the run: `login`, `reset`, `admin.disable`, …
  public let event: String
  /// Whom a refusal's record names: the email given, then the account once found.
  private(set) var email: String?
  private(set) var account: Account?
  /// What delivering the run's notifications did, summed over its transactions.
  public private(set) var delivery: DeliveryReport
  /// Notifications queued in the open transaction, delivered after its commit.
  private var queued: [Int64] = []
  /// True once a refusal was recorded (`CommitAndRefuse`), so it is not recorded twice.
  private var refusalRecorded = false

  init(_ ctx: FlowContext, event: String, email: String?) {
    self.ctx = ctx
    self.event = event
    self.email = email
    delivery = DeliveryReport(destination: ctx.outbox.destination)
  }

  /// The email a refusal's record names, from now on.
  public func about(_ email: String) { self.email = email }

  /// The account a refusal's record names (its id and email), from now on.
  public func about(_ account: Account) {
    self.account = account
    email = account.email
  }

  /// Runs `body` in one write transaction (`bulk`: the store's bulk write, for an import);
  /// after the commit, delivers what it queued. A `CommitAndRefuse` thrown by `body` commits
  /// with the refusal recorded, then throws it; any other error rolls the transaction back and
  /// leaves the run (which records it).
  public func write<T>(bulk: Bool = false, _ body: (any StoreTransaction) throws -> T) throws
    -> T
  {
    queued = []
    defer { queued = [] }
    let work = { (tx: any StoreTransaction) throws -> Result<T, any Error> in
      // The store may run this again after a conflict (`Store.write`, PostgreSQL): what an
      // earlier, rolled-back run queued is gone with it.
      self.queued = []
      do {
        return .success(try body(tx))
      } catch let refusal as CommitAndRefuse {
        try self.audit(tx, self.failure(refusal.error))
        return .failure(refusal.error)
      }
    }
    let outcome = try bulk ? ctx.store.bulkWrite(work) : ctx.store.write(work)
    try deliver()
    if case .failure = outcome { refusalRecorded = true }
    return try outcome.get()
  }

  /// `write` over the store's erasing write (`Store.eraseWrite`: what the transaction deletes
  /// or overwrites is not left readable in the store's files), for `users delete --forget`;
  /// also whether older copies may linger until the next checkpoint. It queues no mail.
  public func eraseWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
    value: T, complete: Bool
  ) {
    queued = []
    defer { queued = [] }
    return try ctx.store.eraseWrite(body)
  }

  /// Queues `notice` of `kind` to `account` on `channel` — at `address` when given (an
  /// address it is changing to or from), else its own email — in the caller's write
  /// transaction; it is delivered after the commit. The channel's notifier checks it and the
  /// flood guard counts it here (`MailError.floodGuard`): a refusal refuses the whole change.
  public func queue(
    _ tx: any StoreTransaction, _ kind: String, to account: Account,
    via channel: NotificationChannel = .mail, at address: String? = nil,
    _ notice: Notice
  ) throws {
    queued.append(
      try ctx.outbox.enqueue(
        tx,
        NotificationDraft(
          kind: kind, userID: account.id, channel: channel, address: address ?? account.email,
          notice: notice)))
    delivery.queuedChannels.insert(channel)
  }

  /// Records the run's event as done, in the caller's write transaction. `reason` says why
  /// nothing was to be done, when so (`users enable` of an enabled account).
  public func succeeded(
    _ tx: any StoreTransaction, _ account: Account?, reason: String? = nil, detail: String? = nil
  ) throws {
    try audit(
      tx,
      AuditEvent(
        at: ctx.now(), event: event, userID: account?.id, email: account?.email ?? email,
        ok: true, reason: reason, detail: detail))
  }

  /// Records a side event of the run (`lockout`, `session.limit`) in the caller's write
  /// transaction: something that happened to an account, not the run's own outcome.
  public func note(
    _ tx: any StoreTransaction, _ event: String, _ account: Account, ok: Bool, reason: String,
    detail: String? = nil
  ) throws {
    try audit(
      tx,
      AuditEvent(
        at: ctx.now(), event: event, userID: account.id, email: account.email, ok: ok,
        reason: reason, detail: detail))
  }

  /// Records `event` (any event a flow records besides its own outcome: a refused Telegram
  /// nonce) through the one audit writer, queued for the hook when it is set.
  public func audit(_ tx: any StoreTransaction, _ event: AuditEvent) throws {
    try tx.audit(event, hooks: ctx.hooks)
    if ctx.hooks { ctx.hookEventsQueued += 1 }
  }

  /// Delivers what the committed transaction queued, and reports it.
  private func deliver() throws {
    guard !queued.isEmpty else { return }
    let ids = queued
    queued = []
    let report = try ctx.outbox.deliver(ctx.store, ids: ids)
    delivery.add(report)
    ctx.deliveries(report)
  }

  /// The failed event that records `error`.
  func failure(_ error: any Error) -> AuditEvent {
    AuditEvent(
      at: ctx.now(), event: event, userID: account?.id, email: email, ok: false,
      reason: Self.reason(error))
  }

  /// Records `error`, which ends the run, unless it was recorded already, is bad input, or is
  /// the store's own failure. The record is best effort: it never hides the refusal.
  func ended(by error: any Error) {
    if refusalRecorded || !Self.isRefusal(error) { return }
    _ = try? ctx.store.write { try audit($0, failure(error)) }
  }

  /// False for bad input (exit 65: the request was malformed, nothing was decided) and for the
  /// store's failures; true for every other error.
  static func isRefusal(_ error: any Error) -> Bool {
    switch error {
    case FlowError.invalidInput: return false
    case is PasswordRejection, is StoreError: return false
    default: return true
    }
  }

  /// The words of `error`, as the person was told them (never a secret).
  static func reason(_ error: any Error) -> String {
    switch error {
    case let e as FlowError: return e.message
    case let e as MailError: return e.message
    case let e as TokenError: return e.message
    case let e as PasswordRejection: return e.message
    case let e as KeyError: return e.message
    case let e as CryptoError: return e.message
    case let e as StoreError: return e.message
    case let e as ConfigError: return e.message
    case let e as TelegramError: return e.message
    default: return "internal error: \(error)"
    }
  }
}

/// Thrown inside `FlowRun.write` to refuse while keeping what the transaction wrote: a wrong
/// code or password is counted, a notice to the account's owner is sent. The kernel records the
/// refusal in the same transaction, commits, delivers, and throws `error`.
public struct CommitAndRefuse: Error {
  public let error: any Error
  public init(_ error: any Error) { self.error = error }
}

extension FlowContext {
  /// Runs one flow (`FlowRun`): `body` does the work; an error that ends it is recorded as a
  /// failed `event` naming `email` (or what `FlowRun.about` said since), then thrown.
  public func run<T>(_ event: String, email: String? = nil, _ body: (FlowRun) throws -> T)
    throws -> T
  {
    let run = FlowRun(self, event: event, email: email)
    do {
      return try body(run)
    } catch {
      run.ended(by: error)
      throw error
    }
  }
}

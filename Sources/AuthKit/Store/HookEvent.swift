/// An audit event queued for the hook program (`AUTHCTL_HOOK`, issue 15): a copy of the audit
/// row made in the same transaction, with its delivery state. Never a secret: it holds what
/// the audit row holds (the event, the account's id and address, the outcome and its words).
public struct HookEvent: Sendable, Equatable {
  public var id: Int64
  public var audit: AuditEvent
  /// `queued` (waiting, or deferred until `nextAttemptAt`), `sent` (the program exited 0) or
  /// `failed` (given up after `Outbox.maxAttempts`).
  public var status: String
  public var attempts: Int
  public var nextAttemptAt: Instant
  /// The program's first KiB of output, or why it did not finish, at the last failed attempt.
  public var lastError: String?

  public init(
    id: Int64, audit: AuditEvent, status: String, attempts: Int, nextAttemptAt: Instant,
    lastError: String?
  ) {
    self.id = id
    self.audit = audit
    self.status = status
    self.attempts = attempts
    self.nextAttemptAt = nextAttemptAt
    self.lastError = lastError
  }
}

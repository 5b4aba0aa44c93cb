extension FlowContext {
  /// Records a new session of `account`, in the run's write transaction, and keeps the
  /// account's live sessions within `AUTHCTL_MAX_SESSIONS`: past it the oldest live ones end
  /// (revoked with the reason "session limit"), each with a `session.limit` audit event, as
  /// OWASP's Session Management Cheat Sheet advises bounding simultaneous sessions. Returns
  /// how many ended.
  @discardableResult
  public func startSession(
    _ run: FlowRun, _ tx: any StoreTransaction, _ session: Session, of account: Account
  ) throws -> Int {
    try tx.insertSession(session)
    let limit = max(1, settings.maxSessions)
    let now = self.now()
    let live = try tx.liveSessions(userID: account.id, now: now)
    guard live.count > limit else { return 0 }
    var ended = 0
    for old in live.dropFirst(limit) where old.id != session.id {
      guard try tx.revokeSession(id: old.id, at: now, reason: "session limit") else {
        continue
      }
      ended += 1
      try run.note(
        tx, "session.limit", account, ok: true,
        reason: "more than \(limit) live sessions (AUTHCTL_MAX_SESSIONS)",
        detail: "ended the oldest live session, begun \(old.createdAt)")
    }
    return ended
  }
}

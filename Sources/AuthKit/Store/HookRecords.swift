/// The hook events (issue 15): every audit event, when `AUTHCTL_HOOK` is set, queued in the
/// transaction that records it (`StoreTransaction.audit`) and handed to the program after the
/// commit by `HookDelivery`, each marked in its own small transaction.
///
/// Delivery is in order per account: an event waits while an earlier event of its account is
/// still queued (deferred, or being run by another flusher). The account is the event's
/// user id, else the account its address names when it is queued (a refusal recorded before
/// the account was found), else the address; an event naming neither is ordered with none.
public protocol HookRecords {
  /// Queues `event`, due at once.
  func queueHookEvent(_ event: AuditEvent) throws(StoreError)
  func hookEvent(id: Int64) throws(StoreError) -> HookEvent?
  /// Queued events that may run now, oldest first, at most `limit`: due at `now` (every
  /// queued one with `all`) and with no earlier queued event of their account.
  func dueHookEvents(now: Instant, all: Bool, limit: Int) throws(StoreError) -> [HookEvent]
  /// True when an event of the same account older than `id` is still queued: `id` waits.
  func hookEventWaits(id: Int64) throws(StoreError) -> Bool
  /// Queued and failed events, oldest first, for `hooks queue`.
  func pendingHookEvents() throws(StoreError) -> [HookEvent]
  /// Queued events not due at `now`, and when the first of them is.
  func deferredHookEvents(now: Instant) throws(StoreError) -> (count: Int, nextDue: Instant?)
  /// The program exited 0: the event is kept as `sent` (for the retention of `prune`).
  func markHookSent(id: Int64, at: Instant) throws(StoreError)
  /// A failed attempt: stays queued, next attempt at `next`.
  func markHookDeferred(id: Int64, error: String, next: Instant) throws(StoreError)
  /// The last attempt failed: given up, kept with its error.
  func markHookFailed(id: Int64, error: String) throws(StoreError)
  /// Sent and failed events queued before `cutoff` (what a prune removes).
  func finishedHookEventCount(before cutoff: Instant) throws(StoreError) -> Int
  /// Deletes at most `limit` of the oldest sent and failed events queued before `cutoff`;
  /// queued ones stay whatever their age. Returns how many.
  func deleteFinishedHookEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int
  /// An erasure (`users delete --forget`, issue 17), as `pseudonymiseAuditEvents` does for the
  /// audit: every event of the account `userID` or to `email` keeps its time, kind and outcome
  /// under `pseudonym`, with no address, the address cut out of its reason and detail, and no
  /// last error (the hook's output may quote it). Returns how many events changed.
  func pseudonymiseHookEvents(userID: String, email: String, pseudonym: String)
    throws(StoreError) -> Int
}

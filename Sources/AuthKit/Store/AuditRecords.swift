/// The audit trail: appended by every flow, read by `authctl log`.
public protocol AuditRecords {
  func record(_ event: AuditEvent) throws(StoreError)
  /// `at, event, email, user_id, outcome, reason, detail` of the matching events, oldest first.
  func auditEvents(_ filter: AuditFilter) throws(StoreError) -> any RowCursor
  /// Events recorded before `cutoff` (what a prune removes).
  func auditEventCount(before cutoff: Instant) throws(StoreError) -> Int
  /// Deletes at most `limit` of the oldest events recorded before `cutoff`; returns how many.
  func deleteAuditEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int
  /// How many of each of `events` were recorded at or after `since`, ok and failed — counts
  /// over an index of (event, outcome, time), cheap however long the log.
  func auditEventCounts(_ events: [String], since: Instant) throws(StoreError)
    -> [String: (ok: Int, failed: Int)]
  /// Erasure (issue 17): every event of the account `userID` or of `email` (either column, the
  /// address without case) keeps its time, kind and outcome, with the user id replaced by
  /// `pseudonym`, no address, and the address cut out of its reason and detail; so is any
  /// other event whose reason or detail names the address. Returns how many events changed.
  func pseudonymiseAuditEvents(userID: String, email: String, pseudonym: String)
    throws(StoreError) -> Int
}

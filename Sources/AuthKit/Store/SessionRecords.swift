/// Sessions: one per login, live while not revoked and not expired.
public protocol SessionRecords {
  func insertSession(_ session: Session) throws(StoreError)
  func session(id: String) throws(StoreError) -> Session?
  /// Revokes one session; false when it was already revoked or is unknown.
  @discardableResult
  func revokeSession(id: String, at: Instant, reason: String) throws(StoreError) -> Bool
  /// Revokes every live session of an account; returns how many.
  @discardableResult
  func revokeSessions(userID: String, at: Instant, reason: String) throws(StoreError) -> Int
  /// Revokes every live session of every account; returns how many.
  @discardableResult
  func revokeAllSessions(at: Instant, reason: String) throws(StoreError) -> Int
  /// Live sessions of an account at `now`.
  func liveSessionCount(userID: String, now: Instant) throws(StoreError) -> Int
  /// Live sessions of an account at `now`, newest first (ties in the second by insertion).
  func liveSessions(userID: String, now: Instant) throws(StoreError) -> [Session]
  /// Sessions that ended before `cutoff`: revoked before it, or expired before it.
  func endedSessionCount(before cutoff: Instant) throws(StoreError) -> Int
  /// Deletes the rows of sessions that ended before `cutoff`; returns how many.
  func deleteEndedSessions(before cutoff: Instant) throws(StoreError) -> Int
  /// Deletes at most `limit` rows of sessions that ended before `cutoff`; returns how many.
  func deleteEndedSessions(before cutoff: Instant, limit: Int) throws(StoreError) -> Int
  /// Every session row of an account (live and ended), oldest first.
  func sessions(userID: String) throws(StoreError) -> [Session]
}

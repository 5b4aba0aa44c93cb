/// Sessions: the `sessions` table.
extension SQLiteTransaction {
  func insertSession(_ s: Session) throws(StoreError) {
    try run(
      "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
      [
        .text(s.id), .text(s.userID), StoredTime.value(s.createdAt),
        StoredTime.value(s.expiresAt),
      ])
  }

  static let sessionColumns = "id, user_id, created_at, expires_at, revoked_at, revoked_reason"

  static func session(_ s: Statement) -> Session {
    Session(
      id: s.text(0), userID: s.text(1), createdAt: s.instant(2), expiresAt: s.instant(3),
      revokedAt: s.optionalInstant(4), revokedReason: s.optionalText(5))
  }

  func session(id: String) throws(StoreError) -> Session? {
    try first(
      "SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?1", [.text(id)], Self.session)
  }

  func liveSessions(userID: String, now: Instant) throws(StoreError) -> [Session] {
    try all(
      """
      SELECT \(Self.sessionColumns) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      ORDER BY created_at DESC, rowid DESC
      """, [.text(userID), StoredTime.value(now)], Self.session)
  }

  static let endedBefore = "expires_at < ?1 OR revoked_at < ?1"

  func endedSessionCount(before cutoff: Instant) throws(StoreError) -> Int {
    try first(
      "SELECT count(*) FROM sessions WHERE \(Self.endedBefore)", [StoredTime.value(cutoff)]
    ) {
      Int($0.int(0))
    } ?? 0
  }

  func deleteEndedSessions(before cutoff: Instant) throws(StoreError) -> Int {
    try run("DELETE FROM sessions WHERE \(Self.endedBefore)", [StoredTime.value(cutoff)])
  }

  func deleteEndedSessions(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
    try run(
      """
      DELETE FROM sessions WHERE rowid IN (
        SELECT rowid FROM sessions WHERE \(Self.endedBefore) LIMIT ?2)
      """, [StoredTime.value(cutoff), .integer(Int64(limit))])
  }

  func sessions(userID: String) throws(StoreError) -> [Session] {
    try all(
      "SELECT \(Self.sessionColumns) FROM sessions WHERE user_id = ?1 ORDER BY created_at, rowid",
      [.text(userID)], Self.session)
  }

  @discardableResult
  func revokeSession(id: String, at: Instant, reason: String) throws(StoreError) -> Bool {
    try revoke(where: "id", id, at: at, reason: reason) == 1
  }

  @discardableResult
  func revokeSessions(userID: String, at: Instant, reason: String) throws(StoreError) -> Int {
    try revoke(where: "user_id", userID, at: at, reason: reason)
  }

  @discardableResult
  func revokeAllSessions(at: Instant, reason: String) throws(StoreError) -> Int {
    try run(
      "UPDATE sessions SET revoked_at = ?1, revoked_reason = ?2 WHERE revoked_at IS NULL",
      [StoredTime.value(at), .text(reason)])
  }

  private func revoke(where column: String, _ key: String, at: Instant, reason: String)
    throws(StoreError) -> Int
  {
    try run(
      """
      UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3
      WHERE \(column) = ?1 AND revoked_at IS NULL
      """, [.text(key), StoredTime.value(at), .text(reason)])
  }

  func liveSessionCount(userID: String, now: Instant) throws(StoreError) -> Int {
    try first(
      """
      SELECT count(*) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      """, [.text(userID), StoredTime.value(now)]
    ) { Int($0.int(0)) } ?? 0
  }
}

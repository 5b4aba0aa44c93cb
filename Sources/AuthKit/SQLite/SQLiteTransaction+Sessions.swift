/// Sessions: the `sessions` table.
extension SQLiteTransaction {
  func insertSession(_ s: Session) throws(StoreError) {
    try run(
      "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
      [.text(s.id), .text(s.userID), .text(s.createdAt), .text(s.expiresAt)])
  }

  static let sessionColumns = "id, user_id, created_at, expires_at, revoked_at, revoked_reason"

  static func session(_ s: Statement) -> Session {
    Session(
      id: s.text(0), userID: s.text(1), createdAt: s.text(2), expiresAt: s.text(3),
      revokedAt: s.optionalText(4), revokedReason: s.optionalText(5))
  }

  func session(id: String) throws(StoreError) -> Session? {
    try first(
      "SELECT \(Self.sessionColumns) FROM sessions WHERE id = ?1", [.text(id)], Self.session)
  }

  func liveSessions(userID: String, now: String) throws(StoreError) -> [Session] {
    try all(
      """
      SELECT \(Self.sessionColumns) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      ORDER BY created_at DESC, rowid DESC
      """, [.text(userID), .text(now)], Self.session)
  }

  static let endedBefore = "expires_at < ?1 OR revoked_at < ?1"

  func endedSessionCount(before cutoff: String) throws(StoreError) -> Int {
    try first("SELECT count(*) FROM sessions WHERE \(Self.endedBefore)", [.text(cutoff)]) {
      Int($0.int(0))
    } ?? 0
  }

  func deleteEndedSessions(before cutoff: String) throws(StoreError) -> Int {
    try run("DELETE FROM sessions WHERE \(Self.endedBefore)", [.text(cutoff)])
  }

  func deleteEndedSessions(before cutoff: String, limit: Int) throws(StoreError) -> Int {
    try run(
      """
      DELETE FROM sessions WHERE rowid IN (
        SELECT rowid FROM sessions WHERE \(Self.endedBefore) LIMIT ?2)
      """, [.text(cutoff), .integer(Int64(limit))])
  }

  func sessions(userID: String) throws(StoreError) -> [Session] {
    try all(
      "SELECT \(Self.sessionColumns) FROM sessions WHERE user_id = ?1 ORDER BY created_at, rowid",
      [.text(userID)], Self.session)
  }

  @discardableResult
  func revokeSession(id: String, at: String, reason: String) throws(StoreError) -> Bool {
    try revoke(where: "id", id, at: at, reason: reason) == 1
  }

  @discardableResult
  func revokeSessions(userID: String, at: String, reason: String) throws(StoreError) -> Int {
    try revoke(where: "user_id", userID, at: at, reason: reason)
  }

  private func revoke(where column: String, _ key: String, at: String, reason: String)
    throws(StoreError) -> Int
  {
    try run(
      """
      UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3
      WHERE \(column) = ?1 AND revoked_at IS NULL
      """, [.text(key), .text(at), .text(reason)])
  }

  func liveSessionCount(userID: String, now: String) throws(StoreError) -> Int {
    try first(
      """
      SELECT count(*) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      """, [.text(userID), .text(now)]
    ) { Int($0.int(0)) } ?? 0
  }
}

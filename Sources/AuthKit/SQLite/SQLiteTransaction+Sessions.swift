/// Sessions: the `sessions` table.
extension SQLiteTransaction {
  func insertSession(_ s: Session) throws(StoreError) {
    try run(
      "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
      [.text(s.id), .text(s.userID), .text(s.createdAt), .text(s.expiresAt)])
  }

  func session(id: String) throws(StoreError) -> Session? {
    try first(
      """
      SELECT id, user_id, created_at, expires_at, revoked_at, revoked_reason
      FROM sessions WHERE id = ?1
      """, [.text(id)]
    ) { s in
      Session(
        id: s.text(0), userID: s.text(1), createdAt: s.text(2), expiresAt: s.text(3),
        revokedAt: s.optionalText(4), revokedReason: s.optionalText(5))
    }
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

/// One-time codes: the `codes` table.
extension SQLiteTransaction {
  @discardableResult
  func replaceCode(
    userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
  ) throws(StoreError) -> Int64 {
    try run(
      "DELETE FROM codes WHERE user_id = ?1 AND purpose = ?2", [.text(userID), .text(purpose)])
    try run(
      """
      INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      """,
      [
        .text(userID), .text(purpose), .text(codeHash), StoredTime.value(createdAt),
        StoredTime.value(expiresAt),
      ])
    return lastInsertID
  }

  func insertCode(
    userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
  ) throws(StoreError) -> OneTimeCode {
    try run(
      "DELETE FROM codes WHERE user_id = ?1 AND purpose = ?2 AND expires_at < ?3",
      [.text(userID), .text(purpose), StoredTime.value(createdAt)])
    try run(
      """
      INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      """,
      [
        .text(userID), .text(purpose), .text(codeHash), StoredTime.value(createdAt),
        StoredTime.value(expiresAt),
      ])
    return OneTimeCode(
      id: lastInsertID, userID: userID, purpose: purpose, codeHash: codeHash, attempts: 0,
      createdAt: createdAt, expiresAt: expiresAt, usedAt: nil)
  }

  static let codeColumns =
    "id, user_id, purpose, code_hash, attempts, created_at, expires_at, used_at"

  static func code(_ s: Statement) -> OneTimeCode {
    OneTimeCode(
      id: s.int(0), userID: s.text(1), purpose: s.text(2), codeHash: s.text(3),
      attempts: Int(s.int(4)), createdAt: s.instant(5), expiresAt: s.instant(6),
      usedAt: s.optionalInstant(7))
  }

  func code(userID: String, purpose: String, codeHash: String) throws(StoreError) -> OneTimeCode? {
    try first(
      """
      SELECT \(Self.codeColumns) FROM codes
      WHERE user_id = ?1 AND purpose = ?2 AND code_hash = ?3 LIMIT 1
      """, [.text(userID), .text(purpose), .text(codeHash)], Self.code)
  }

  func currentCode(userID: String, purpose: String) throws(StoreError) -> OneTimeCode? {
    try first(
      """
      SELECT \(Self.codeColumns) FROM codes
      WHERE user_id = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1
      """, [.text(userID), .text(purpose)], Self.code)
  }

  func countCodeAttempt(id: Int64) throws(StoreError) {
    try run("UPDATE codes SET attempts = attempts + 1 WHERE id = ?1", [.integer(id)])
  }

  func markCodeUsed(id: Int64, at: Instant) throws(StoreError) {
    try run("UPDATE codes SET used_at = ?2 WHERE id = ?1", [.integer(id), StoredTime.value(at)])
  }
}

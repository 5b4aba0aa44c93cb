/// A row of `codes`: a one-time code, kept only as a keyed hash.
public struct OneTimeCode: Sendable, Equatable {
  public var id: Int64
  public var userID: String
  public var purpose: String
  public var codeHash: String
  public var attempts: Int
  public var createdAt: String
  public var expiresAt: String
  public var usedAt: String?
}

/// The `codes` table: codes of password changes and resets, with their attempt counts.
public enum CodeStore {
  /// Replaces any open code of this account and purpose with a new one; returns its id.
  @discardableResult
  public static func replace(
    _ db: Connection, userID: String, purpose: String, codeHash: String, createdAt: String,
    expiresAt: String
  ) throws(StoreError) -> Int64 {
    try db.run(
      "DELETE FROM codes WHERE user_id = ?1 AND purpose = ?2", [.text(userID), .text(purpose)])
    try db.run(
      """
      INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      """,
      [.text(userID), .text(purpose), .text(codeHash), .text(createdAt), .text(expiresAt)])
    return try db.first("SELECT last_insert_rowid()") { $0.int(0) } ?? 0
  }

  /// The newest code of this account and purpose.
  public static func current(_ db: Connection, userID: String, purpose: String)
    throws(StoreError) -> OneTimeCode?
  {
    try db.first(
      """
      SELECT id, user_id, purpose, code_hash, attempts, created_at, expires_at, used_at
      FROM codes WHERE user_id = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1
      """, [.text(userID), .text(purpose)], row)
  }

  /// The code row of this account and purpose whose keyed hash is `codeHash`, if any.
  public static func find(_ db: Connection, userID: String, purpose: String, codeHash: String)
    throws(StoreError) -> OneTimeCode?
  {
    try db.first(
      """
      SELECT id, user_id, purpose, code_hash, attempts, created_at, expires_at, used_at
      FROM codes WHERE user_id = ?1 AND purpose = ?2 AND code_hash = ?3 LIMIT 1
      """, [.text(userID), .text(purpose), .text(codeHash)], row)
  }

  /// Adds a code row beside the others of its account and purpose, first removing those of
  /// them that expired before `now`; returns the new row.
  public static func insert(
    _ db: Connection, userID: String, purpose: String, codeHash: String, createdAt: String,
    expiresAt: String
  ) throws(StoreError) -> OneTimeCode {
    try db.run(
      "DELETE FROM codes WHERE user_id = ?1 AND purpose = ?2 AND expires_at < ?3",
      [.text(userID), .text(purpose), .text(createdAt)])
    try db.run(
      """
      INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      """,
      [.text(userID), .text(purpose), .text(codeHash), .text(createdAt), .text(expiresAt)])
    let id = try db.first("SELECT last_insert_rowid()") { $0.int(0) } ?? 0
    return OneTimeCode(
      id: id, userID: userID, purpose: purpose, codeHash: codeHash, attempts: 0,
      createdAt: createdAt, expiresAt: expiresAt, usedAt: nil)
  }

  static func row(_ s: Statement) -> OneTimeCode {
    OneTimeCode(
      id: s.int(0), userID: s.text(1), purpose: s.text(2), codeHash: s.text(3),
      attempts: Int(s.int(4)), createdAt: s.text(5), expiresAt: s.text(6),
      usedAt: s.optionalText(7))
  }

  public static func countAttempt(_ db: Connection, id: Int64) throws(StoreError) {
    try db.run("UPDATE codes SET attempts = attempts + 1 WHERE id = ?1", [.integer(id)])
  }

  public static func markUsed(_ db: Connection, id: Int64, at: String) throws(StoreError) {
    try db.run("UPDATE codes SET used_at = ?2 WHERE id = ?1", [.integer(id), .text(at)])
  }
}

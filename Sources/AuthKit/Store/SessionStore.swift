/// A row of `sessions`: one login.
public struct Session: Sendable, Equatable {
  public var id: String
  public var userID: String
  public var createdAt: String
  public var expiresAt: String
  public var revokedAt: String?
  public var revokedReason: String?
}

/// The `sessions` table. A session is live while not revoked and not expired.
public enum SessionStore {
  public static func insert(_ db: Connection, _ s: Session) throws(StoreError) {
    try db.run(
      "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
      [.text(s.id), .text(s.userID), .text(s.createdAt), .text(s.expiresAt)])
  }

  static let columns = "id, user_id, created_at, expires_at, revoked_at, revoked_reason"

  static func session(_ s: Statement) -> Session {
    Session(
      id: s.text(0), userID: s.text(1), createdAt: s.text(2), expiresAt: s.text(3),
      revokedAt: s.optionalText(4), revokedReason: s.optionalText(5))
  }

  public static func find(_ db: Connection, id: String) throws(StoreError) -> Session? {
    try db.first("SELECT \(columns) FROM sessions WHERE id = ?1", [.text(id)], session)
  }

  /// Live sessions of an account at `now`, newest first (ties in the second by insertion).
  public static func live(_ db: Connection, userID: String, now: String) throws(StoreError)
    -> [Session]
  {
    try db.all(
      """
      SELECT \(columns) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      ORDER BY created_at DESC, rowid DESC
      """, [.text(userID), .text(now)], session)
  }

  /// Deletes the rows of sessions that ended before `cutoff`: revoked before it, or expired
  /// before it (whichever came first). Returns how many (`dryRun` counts without deleting).
  public static func prune(_ db: Connection, endedBefore cutoff: String, dryRun: Bool)
    throws(StoreError) -> Int
  {
    let condition = "expires_at < ?1 OR revoked_at < ?1"
    if dryRun {
      return try db.first(
        "SELECT count(*) FROM sessions WHERE \(condition)", [.text(cutoff)]
      ) { Int($0.int(0)) } ?? 0
    }
    return try db.run("DELETE FROM sessions WHERE \(condition)", [.text(cutoff)])
  }

  /// Revokes one session; false when it was already revoked or is unknown.
  @discardableResult
  public static func revoke(_ db: Connection, id: String, at: String, reason: String)
    throws(StoreError) -> Bool
  {
    try revoke(db, where: "id", id, at: at, reason: reason) == 1
  }

  /// Revokes every live session of an account; returns how many.
  @discardableResult
  public static func revokeAll(_ db: Connection, userID: String, at: String, reason: String)
    throws(StoreError) -> Int
  {
    try revoke(db, where: "user_id", userID, at: at, reason: reason)
  }

  private static func revoke(
    _ db: Connection, where column: String, _ key: String, at: String, reason: String
  ) throws(StoreError) -> Int {
    try db.run(
      """
      UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3
      WHERE \(column) = ?1 AND revoked_at IS NULL
      """, [.text(key), .text(at), .text(reason)])
  }

  /// Live sessions of an account at `now`.
  public static func liveCount(_ db: Connection, userID: String, now: String) throws(StoreError)
    -> Int
  {
    try db.first(
      """
      SELECT count(*) FROM sessions
      WHERE user_id = ?1 AND revoked_at IS NULL AND expires_at > ?2
      """, [.text(userID), .text(now)]
    ) { Int($0.int(0)) } ?? 0
  }
}

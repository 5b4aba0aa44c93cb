/// Reads and writes of `users` rows. Callers hold the transaction.
extension AccountStore {
  static let columns = """
    id, email, password, activated_at, created_at, updated_at, disabled_at, failed_logins, \
    locked_until, last_login_at, password_generated, stamp, security_changed_at
    """

  static func account(_ s: Statement) -> Account {
    Account(
      id: s.text(0), email: s.optionalText(1) ?? "", passwordHash: s.optionalText(2),
      activatedAt: s.optionalText(3), createdAt: s.optionalText(4), updatedAt: s.optionalText(5),
      disabledAt: s.optionalText(6), failedLogins: Int(s.int(7)), lockedUntil: s.optionalText(8),
      lastLoginAt: s.optionalText(9), passwordGenerated: s.int(10) != 0,
      stamp: s.optionalText(11), securityChangedAt: s.optionalText(12))
  }

  /// The account with this email, compared without case (the unique index's collation).
  public static func find(_ db: Connection, email: String) throws(StoreError) -> Account? {
    try db.first(
      "SELECT \(columns) FROM users WHERE email = ?1 COLLATE NOCASE", [.text(email)], account)
  }

  public static func find(_ db: Connection, id: String) throws(StoreError) -> Account? {
    try db.first("SELECT \(columns) FROM users WHERE id = ?1", [.text(id)], account)
  }

  /// Adds a new account row.
  public static func insert(_ db: Connection, _ a: Account) throws(StoreError) {
    try db.run(
      """
      INSERT INTO users (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
      """,
      [
        .text(a.id), .text(a.email), .optional(a.passwordHash), .optional(a.activatedAt),
        .optional(a.createdAt), .optional(a.updatedAt), .optional(a.disabledAt),
        .integer(Int64(a.failedLogins)), .optional(a.lockedUntil), .optional(a.lastLoginAt),
        .integer(a.passwordGenerated ? 1 : 0), .optional(a.stamp), .optional(a.securityChangedAt),
      ])
  }

  /// Writes every column of `a` back to its row; returns false when the row is gone.
  @discardableResult
  public static func update(_ db: Connection, _ a: Account) throws(StoreError) -> Bool {
    try db.run(
      """
      UPDATE users SET email = ?2, password = ?3, activated_at = ?4, created_at = ?5,
        updated_at = ?6, disabled_at = ?7, failed_logins = ?8, locked_until = ?9,
        last_login_at = ?10, password_generated = ?11, stamp = ?12, security_changed_at = ?13
      WHERE id = ?1
      """,
      [
        .text(a.id), .text(a.email), .optional(a.passwordHash), .optional(a.activatedAt),
        .optional(a.createdAt), .optional(a.updatedAt), .optional(a.disabledAt),
        .integer(Int64(a.failedLogins)), .optional(a.lockedUntil), .optional(a.lastLoginAt),
        .integer(a.passwordGenerated ? 1 : 0), .optional(a.stamp), .optional(a.securityChangedAt),
      ]) == 1
  }

  /// Deletes the account; sessions and codes go by `ON DELETE CASCADE`, its outbox rows
  /// (queued, failed, sent: bodies and addresses alike) explicitly. Audit events stay.
  @discardableResult
  public static func delete(_ db: Connection, id: String) throws(StoreError) -> Bool {
    try db.run("DELETE FROM outbox WHERE user_id = ?1", [.text(id)])
    return try db.run("DELETE FROM users WHERE id = ?1", [.text(id)]) == 1
  }
}

extension AccountStore {
  /// A statement yielding every account, whole (`account(_:)` reads a row), in the order they
  /// were added; the caller steps it, so rows stream.
  public static func every(_ db: Connection) throws(StoreError) -> Statement {
    try db.prepare("SELECT \(columns) FROM users ORDER BY rowid")
  }

  /// The account in the current row of a statement of `every` or `find`.
  public static func row(_ s: Statement) -> Account { account(s) }
}

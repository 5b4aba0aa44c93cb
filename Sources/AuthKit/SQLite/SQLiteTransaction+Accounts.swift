/// Accounts: the `users` table, emails compared `COLLATE NOCASE` (the unique index's).
extension SQLiteTransaction {
  static let accountColumns = """
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

  /// Every column of `a`, as `?1`…`?13` in `accountColumns` order.
  static func values(_ a: Account) -> [SQLValue] {
    [
      .text(a.id), .text(a.email), .optional(a.passwordHash), .optional(a.activatedAt),
      .optional(a.createdAt), .optional(a.updatedAt), .optional(a.disabledAt),
      .integer(Int64(a.failedLogins)), .optional(a.lockedUntil), .optional(a.lastLoginAt),
      .integer(a.passwordGenerated ? 1 : 0), .optional(a.stamp), .optional(a.securityChangedAt),
    ]
  }

  func account(email: String) throws(StoreError) -> Account? {
    try first(
      "SELECT \(Self.accountColumns) FROM users WHERE email = ?1 COLLATE NOCASE", [.text(email)],
      Self.account)
  }

  func account(id: String) throws(StoreError) -> Account? {
    try first("SELECT \(Self.accountColumns) FROM users WHERE id = ?1", [.text(id)], Self.account)
  }

  func hasAccount(email: String) throws(StoreError) -> Bool {
    try first("SELECT 1 FROM users WHERE email = ?1 COLLATE NOCASE", [.text(email)]) { _ in true }
      ?? false
  }

  func insertAccount(_ a: Account) throws(StoreError) {
    try run(
      """
      INSERT INTO users (\(Self.accountColumns))
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
      """, Self.values(a))
  }

  /// `INSERT OR IGNORE` with the rowid `importBase + line`: rows keep the file's order (and
  /// `ORDER BY rowid` lists them so), and a taken email is told apart by its row's rowid —
  /// above the base, an earlier line of this import; else an account from before.
  func importAccount(_ a: Account, line: Int) throws(StoreError) -> ImportOutcome {
    let base: Int64
    let s: Statement
    if let importBase, let importStatement {
      (base, s) = (importBase, importStatement)
    } else {
      base = try first("SELECT coalesce(max(rowid), 0) FROM users") { $0.int(0) } ?? 0
      s = try db.prepare(
        """
        INSERT OR IGNORE INTO users (rowid, \(Self.accountColumns))
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
        """)
      (importBase, importStatement) = (base, s)
    }
    defer { s.reset() }
    try s.bind(.integer(base + Int64(line)), at: 1)
    try s.bind(.text(a.id), at: 2)
    try s.bind(.text(a.email), at: 3)
    try s.bind(.optional(a.passwordHash), at: 4)
    try s.bind(.optional(a.activatedAt), at: 5)
    try s.bind(.optional(a.createdAt), at: 6)
    try s.bind(.optional(a.updatedAt), at: 7)
    try s.bind(.optional(a.disabledAt), at: 8)
    try s.bind(.integer(Int64(a.failedLogins)), at: 9)
    try s.bind(.optional(a.lockedUntil), at: 10)
    try s.bind(.optional(a.lastLoginAt), at: 11)
    try s.bind(.integer(a.passwordGenerated ? 1 : 0), at: 12)
    try s.bind(.optional(a.stamp), at: 13)
    try s.bind(.optional(a.securityChangedAt), at: 14)
    while try s.step() {}
    if db.changes == 1 { return .added }
    guard
      let rowid = try first(
        "SELECT rowid FROM users WHERE email = ?1 COLLATE NOCASE", [.text(a.email)], { $0.int(0) })
    else {
      throw .engine(
        kind: .constraint,
        message: "a new account id was drawn twice (line \(line)); nothing imported, run it again")
    }
    return rowid > base ? .repeated(line: Int(rowid - base)) : .existing
  }

  @discardableResult
  func updateAccount(_ a: Account) throws(StoreError) -> Bool {
    try run(
      """
      UPDATE users SET email = ?2, password = ?3, activated_at = ?4, created_at = ?5,
        updated_at = ?6, disabled_at = ?7, failed_logins = ?8, locked_until = ?9,
        last_login_at = ?10, password_generated = ?11, stamp = ?12, security_changed_at = ?13
      WHERE id = ?1
      """, Self.values(a)) == 1
  }

  /// Sessions and codes go by `ON DELETE CASCADE`, outbox rows (queued, failed, sent)
  /// explicitly.
  @discardableResult
  func deleteAccount(id: String) throws(StoreError) -> Bool {
    try run("DELETE FROM outbox WHERE user_id = ?1", [.text(id)])
    return try run("DELETE FROM users WHERE id = ?1", [.text(id)]) == 1
  }

  static let unconfirmedBefore = "activated_at IS NULL AND created_at < ?1"

  func unconfirmedEmails(createdBefore cutoff: String) throws(StoreError) -> [String] {
    try all(
      "SELECT email FROM users WHERE \(Self.unconfirmedBefore) ORDER BY rowid", [.text(cutoff)]
    ) { $0.optionalText(0) ?? "" }
  }

  func deleteUnconfirmed(createdBefore cutoff: String) throws(StoreError) -> Int {
    try run(
      """
      DELETE FROM outbox WHERE user_id IN (SELECT id FROM users WHERE \(Self.unconfirmedBefore))
      """, [.text(cutoff)])
    return try run("DELETE FROM users WHERE \(Self.unconfirmedBefore)", [.text(cutoff)])
  }

  /// The status of a `users` row (as `Account.status`), given the time as parameter `?1`.
  static let statusExpression = """
    CASE WHEN disabled_at IS NOT NULL THEN 'disabled' \
    WHEN locked_until IS NOT NULL AND locked_until > ?1 THEN 'locked' \
    WHEN activated_at IS NULL THEN 'unconfirmed' ELSE 'active' END
    """

  func listAccounts(_ filter: AccountFilter, now: Int64) throws(StoreError) -> any RowCursor {
    var sql = """
      SELECT id, email, \(Self.statusExpression) AS status, created_at, activated_at, \
      last_login_at FROM users
      """
    var conditions: [String] = []
    var values: [SQLValue] = [.text(Timestamp.format(now))]
    if let status = filter.status {
      values.append(.text(status.rawValue))
      conditions.append("status = ?\(values.count)")
    }
    if let before = filter.createdBefore {
      values.append(.text(Timestamp.format(before)))
      conditions.append("created_at < ?\(values.count)")
    }
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY rowid"
    if let limit = filter.limit {
      values.append(.integer(Int64(limit)))
      sql += " LIMIT ?\(values.count)"
    }
    return try cursor(
      sql, values,
      columns: ["id", "email", "status", "created_at", "activated_at", "last_login_at"])
  }

  /// Each count is one index: the partial indexes of disabled, locked (migration 4) and
  /// unconfirmed accounts, and the email index for the total (SQLite counts its entries
  /// without reading rows). The overlaps — an unconfirmed account that is disabled or locked —
  /// are read from the small disabled and locked indexes.
  func accountCounts(now: String, unconfirmedBefore: String) throws(StoreError) -> AccountCounts {
    let q = Self.accountCountSQL
    func count(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int {
      try first(sql, values) { Int($0.int(0)) } ?? 0
    }
    let total = try count(q.total)
    let disabled = try count(q.disabled)
    let disabledUnconfirmed = try count(q.disabledUnconfirmed)
    let locked = try count(q.locked, [.text(now)])
    let lockedUnconfirmed = try count(q.lockedUnconfirmed, [.text(now)])
    let unconfirmed = try count(q.unconfirmed) - disabledUnconfirmed - lockedUnconfirmed
    let old = try count(q.unconfirmedBefore, [.text(unconfirmedBefore)])
    return AccountCounts(
      active: total - disabled - locked - unconfirmed, unconfirmed: unconfirmed,
      disabled: disabled, locked: locked, unconfirmedBeforeCutoff: old)
  }

  /// The counts of `accountCounts`, named for their query-plan test: each a range or a scan
  /// of an index, never of the table.
  static let accountCountSQL = (
    total: "SELECT count(*) FROM users INDEXED BY users_email",
    disabled: "SELECT count(*) FROM users WHERE disabled_at IS NOT NULL",
    disabledUnconfirmed:
      "SELECT count(*) FROM users WHERE disabled_at IS NOT NULL AND activated_at IS NULL",
    locked: lockedCount,
    lockedUnconfirmed: lockedCount + " AND activated_at IS NULL",
    unconfirmed: "SELECT count(*) FROM users WHERE activated_at IS NULL",
    unconfirmedBefore: "SELECT count(*) FROM users WHERE \(unconfirmedBefore)"
  )
  static let lockedCount = """
    SELECT count(*) FROM users WHERE locked_until IS NOT NULL AND locked_until > ?1 \
    AND disabled_at IS NULL
    """

  func exportAccounts(withHashes: Bool) throws(StoreError) -> any RowCursor {
    try cursor(
      """
      SELECT email, \(withHashes ? "password" : "NULL"), activated_at, created_at FROM users
      ORDER BY rowid
      """, [], columns: ["email", "password_hash", "activated_at", "created_at"])
  }
}

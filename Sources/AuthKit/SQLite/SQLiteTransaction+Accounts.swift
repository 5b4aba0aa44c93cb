/// Accounts: the `users` table, emails compared `COLLATE NOCASE` (the unique index's).
extension SQLiteTransaction {
  static let accountColumns = """
    id, email, password, activated_at, created_at, updated_at, disabled_at, failed_logins, \
    locked_until, last_login_at, password_generated, stamp, security_changed_at, valid_from, \
    expires_at, must_reset_at, must_reset_reason, pending_email, pending_email_at
    """

  /// An account from a row of `accountColumns`. A blank `activated_at` (`''` or white space,
  /// which the original app may write) reads as nil: unconfirmed, everywhere.
  static func account(_ s: Statement) -> Account {
    Account(
      id: s.text(0), email: s.optionalText(1) ?? "", passwordHash: s.optionalText(2),
      activatedAt: StoredTime.activation(s.optionalText(3)), createdAt: s.optionalInstant(4),
      updatedAt: s.optionalInstant(5), disabledAt: s.optionalInstant(6),
      failedLogins: Int(s.int(7)), lockedUntil: s.optionalInstant(8),
      lastLoginAt: s.optionalInstant(9), passwordGenerated: s.int(10) != 0,
      stamp: s.optionalText(11), securityChangedAt: s.optionalInstant(12),
      validFrom: s.optionalInstant(13), expiresAt: s.optionalInstant(14),
      mustResetAt: s.optionalInstant(15), mustResetReason: s.optionalText(16),
      pendingEmail: s.optionalText(17), pendingEmailAt: s.optionalInstant(18))
  }

  /// The time columns of `users`, in `accountColumns` order (`?4`…`?7`, `?9`, `?10`, `?13`,
  /// `?14`…`?16`, `?19`).
  static let accountTimeColumns = """
    activated_at, created_at, updated_at, disabled_at, locked_until, last_login_at, \
    security_changed_at, valid_from, expires_at, must_reset_at, pending_email_at
    """

  /// Every column of `a`, as `?1`…`?19` in `accountColumns` order. `stored` are the row's
  /// time texts (`accountTimeColumns`), kept where they name the same instant; a new
  /// `activated_at` is written in the form the original app's Python reads
  /// (`StoredTime.activationValue`).
  static func values(_ a: Account, stored: [String?] = Array(repeating: nil, count: 11))
    -> [SQLValue]
  {
    [
      .text(a.id), .text(a.email), .optional(a.passwordHash),
      StoredTime.activationValue(a.activatedAt, keeping: stored[0]),
      StoredTime.value(a.createdAt, keeping: stored[1]),
      StoredTime.value(a.updatedAt, keeping: stored[2]),
      StoredTime.value(a.disabledAt, keeping: stored[3]), .integer(Int64(a.failedLogins)),
      StoredTime.value(a.lockedUntil, keeping: stored[4]),
      StoredTime.value(a.lastLoginAt, keeping: stored[5]), .integer(a.passwordGenerated ? 1 : 0),
      .optional(a.stamp), StoredTime.value(a.securityChangedAt, keeping: stored[6]),
      StoredTime.value(a.validFrom, keeping: stored[7]),
      StoredTime.value(a.expiresAt, keeping: stored[8]),
      StoredTime.value(a.mustResetAt, keeping: stored[9]), .optional(a.mustResetReason),
      .optional(a.pendingEmail), StoredTime.value(a.pendingEmailAt, keeping: stored[10]),
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
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
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
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
          ?19, ?20)
        """)
      (importBase, importStatement) = (base, s)
    }
    defer { s.reset() }
    // The columns of `accountColumns`, at `?2`…`?20`, bound one by one: a time is formatted
    // once per distinct instant of the import (`importTime`), an absent field left NULL.
    try s.bind(.integer(base + Int64(line)), at: 1)
    try s.bind(.text(a.id), at: 2)
    try s.bind(.text(a.email), at: 3)
    if let hash = a.passwordHash { try s.bind(.text(hash), at: 4) }
    let times: [(Instant?, Int32)] = [
      (a.createdAt, 6), (a.updatedAt, 7), (a.disabledAt, 8), (a.lockedUntil, 10),
      (a.lastLoginAt, 11), (a.securityChangedAt, 14), (a.validFrom, 15), (a.expiresAt, 16),
      (a.mustResetAt, 17), (a.pendingEmailAt, 20),
    ]
    if let activated = a.activatedAt { try s.bind(importTime(activated, activation: true), at: 5) }
    for case (let t?, let at) in times { try s.bind(importTime(t, activation: false), at: at) }
    try s.bind(.integer(Int64(a.failedLogins)), at: 9)
    try s.bind(.integer(a.passwordGenerated ? 1 : 0), at: 12)
    if let stamp = a.stamp { try s.bind(.text(stamp), at: 13) }
    if let reason = a.mustResetReason { try s.bind(.text(reason), at: 18) }
    if let pending = a.pendingEmail { try s.bind(.text(pending), at: 19) }
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

  /// The stored text of an imported time (`StoredTime`; an activation in the original app's
  /// form), remembered: an import's rows share a few instants (its own time in `updated_at`,
  /// a file's dates), and formatting one is most of what binding a row costs.
  func importTime(_ instant: Instant, activation: Bool) -> SQLValue {
    let key = instant.seconds &* 2 &+ (activation ? 1 : 0)
    if let text = importTimes[key] { return .text(text) }
    let value =
      activation
      ? StoredTime.activationValue(instant, keeping: nil) : StoredTime.value(instant)
    if importTimes.count >= 4096 { importTimes.removeAll(keepingCapacity: true) }
    if case .text(let text) = value { importTimes[key] = text }
    return value
  }

  /// A time field the account's row already holds in another form that names the same instant
  /// (the original app's `activated_at`) is written back as it was. A password hash the
  /// original app stored as a BLOB (python bcrypt's `hashpw` returns bytes) stays a BLOB when
  /// authctl writes a new one, so the original's `bcrypt.checkpw(password, user.password)`
  /// keeps getting bytes.
  @discardableResult
  func updateAccount(_ a: Account) throws(StoreError) -> Bool {
    guard
      let stored = try first(
        "SELECT \(Self.accountTimeColumns) FROM users WHERE id = ?1", [.text(a.id)],
        { s in (0..<11).map { s.optionalText(Int32($0)) } })
    else { return false }
    return try run(
      """
      UPDATE users SET email = ?2,
        password = CASE WHEN typeof(password) = 'blob' THEN CAST(?3 AS BLOB) ELSE ?3 END,
        activated_at = ?4, created_at = ?5, updated_at = ?6, disabled_at = ?7,
        failed_logins = ?8, locked_until = ?9, last_login_at = ?10, password_generated = ?11,
        stamp = ?12, security_changed_at = ?13, valid_from = ?14, expires_at = ?15,
        must_reset_at = ?16, must_reset_reason = ?17, pending_email = ?18,
        pending_email_at = ?19
      WHERE id = ?1
      """, Self.values(a, stored: stored)) == 1
  }

  func requireResetAll(at: Instant, reason: String?) throws(StoreError) -> Int {
    try run(
      """
      UPDATE users SET must_reset_at = ?1, must_reset_reason = ?2, updated_at = ?1
      WHERE must_reset_at IS NULL
      """, [StoredTime.value(at), .optional(reason)])
  }

  /// Sessions and codes go by `ON DELETE CASCADE`, outbox rows (queued, failed, sent)
  /// explicitly.
  @discardableResult
  func deleteAccount(id: String) throws(StoreError) -> Bool {
    try run("DELETE FROM outbox WHERE user_id = ?1", [.text(id)])
    return try run("DELETE FROM users WHERE id = ?1", [.text(id)]) == 1
  }

  static let unconfirmedBefore = "activated_at IS NULL AND created_at < ?1"

  func unconfirmedEmails(createdBefore cutoff: Instant) throws(StoreError) -> [String] {
    try all(
      "SELECT email FROM users WHERE \(Self.unconfirmedBefore) ORDER BY rowid",
      [StoredTime.value(cutoff)]
    ) { $0.optionalText(0) ?? "" }
  }

  func deleteUnconfirmed(createdBefore cutoff: Instant) throws(StoreError) -> Int {
    let cutoff = StoredTime.value(cutoff)
    try run(
      """
      DELETE FROM outbox WHERE user_id IN (SELECT id FROM users WHERE \(Self.unconfirmedBefore))
      """, [cutoff])
    return try run("DELETE FROM users WHERE \(Self.unconfirmedBefore)", [cutoff])
  }

  /// `activated_at` as the account reads it: NULL when blank (`StoredTime.activation`).
  static let activation = "nullif(trim(activated_at, ' ' || char(9, 10, 13)), '')"
  static let expiredCondition = "(expires_at IS NOT NULL AND expires_at <= ?1)"
  static let notYetValidCondition = "(valid_from IS NOT NULL AND valid_from > ?1)"

  /// The status of a `users` row (as `Account.status`), given the time as parameter `?1`.
  static let statusExpression = """
    CASE WHEN disabled_at IS NOT NULL THEN 'disabled' \
    WHEN \(expiredCondition) THEN 'expired' \
    WHEN \(notYetValidCondition) THEN 'not-yet-valid' \
    WHEN locked_until IS NOT NULL AND locked_until > ?1 THEN 'locked' \
    WHEN \(activation) IS NULL THEN 'unconfirmed' \
    WHEN must_reset_at IS NOT NULL THEN 'must-reset' ELSE 'active' END
    """

  /// A stored time as UTC ISO 8601 (`…Z`), whatever form the original app wrote it in; text
  /// SQLite cannot read as a time is kept as it is.
  static func utc(_ column: String) -> String {
    "coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', \(column)), \(column))"
  }

  func listAccounts(_ filter: AccountFilter, now: Instant) throws(StoreError) -> any RowCursor {
    var sql = """
      SELECT id, email, \(Self.statusExpression) AS status, \(Self.utc("created_at")), \
      \(Self.utc(Self.activation)), \(Self.utc("last_login_at")) FROM users
      """
    var conditions: [String] = []
    var values: [SQLValue] = [StoredTime.value(now)]
    switch filter.status {
    case nil: break
    case .expired?: conditions.append(Self.expiredCondition)
    case .notYetValid?: conditions.append(Self.notYetValidCondition)
    case .mustReset?: conditions.append("must_reset_at IS NOT NULL")
    case let status?:
      values.append(.text(status.rawValue))
      conditions.append("status = ?\(values.count)")
    }
    if let before = filter.createdBefore {
      values.append(StoredTime.value(before))
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

  /// Each count is one index: the small partial indexes of disabled, expired, not yet valid,
  /// locked and must-reset accounts (each status's set ranked as `Account.status` ranks it), the
  /// covering partial index of unconfirmed ones, and the email index for the total (SQLite
  /// counts its entries without reading rows). Active is what is left.
  func accountCounts(now: Instant, unconfirmedBefore: Instant) throws(StoreError)
    -> AccountCounts
  {
    let q = Self.accountCountSQL
    let at: [SQLValue] = [StoredTime.value(now)]
    func count(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int {
      try first(sql, values) { Int($0.int(0)) } ?? 0
    }
    var shadowed = try count(q.unconfirmedRankedHigher[0])
    for sql in q.unconfirmedRankedHigher.dropFirst() { shadowed += try count(sql, at) }
    return AccountCounts(
      total: try count(q.total), disabled: try count(q.disabled),
      expired: try count(q.expired, at), notYetValid: try count(q.notYetValid, at),
      locked: try count(q.locked, at), unconfirmedAll: try count(q.unconfirmed),
      unconfirmedRankedHigher: shadowed, mustReset: try count(q.mustReset, at),
      unconfirmedBeforeCutoff: try count(
        q.unconfirmedBefore, [StoredTime.value(unconfirmedBefore)]))
  }

  /// The conditions of the statuses ranked before unconfirmed, `?1` the time.
  static let countConditions = (
    expired: "expires_at IS NOT NULL AND expires_at <= ?1",
    notYetValid: "valid_from IS NOT NULL AND valid_from > ?1",
    locked: "locked_until IS NOT NULL AND locked_until > ?1"
  )

  /// The counts of `accountCounts`, named for their query-plan test: each a range or a scan
  /// of an index, never of the table.
  static let accountCountSQL = {
    let c = countConditions
    let open = "disabled_at IS NULL AND NOT (\(c.expired))"
    let unlocked = "\(open) AND NOT (\(c.notYetValid)) AND NOT (\(c.locked))"
    let disabled = "SELECT count(*) FROM users WHERE disabled_at IS NOT NULL"
    let expired = "SELECT count(*) FROM users WHERE \(c.expired) AND disabled_at IS NULL"
    let notYetValid = "SELECT count(*) FROM users WHERE \(c.notYetValid) AND \(open)"
    let locked =
      "SELECT count(*) FROM users WHERE \(c.locked) AND \(open) AND NOT (\(c.notYetValid))"
    return (
      total: "SELECT count(*) FROM users INDEXED BY users_email",
      disabled: disabled, expired: expired, notYetValid: notYetValid, locked: locked,
      unconfirmed: "SELECT count(*) FROM users WHERE activated_at IS NULL",
      // Disabled first (no time to bind), then the three that take the time as `?1`.
      unconfirmedRankedHigher: [disabled, expired, notYetValid, locked].map {
        $0 + " AND activated_at IS NULL"
      },
      mustReset: """
      SELECT count(*) FROM users WHERE must_reset_at IS NOT NULL \
      AND activated_at IS NOT NULL AND \(unlocked)
      """,
      unconfirmedBefore: "SELECT count(*) FROM users WHERE \(unconfirmedBefore)"
    )
  }()

  func eachAccount(_ body: (Account) throws -> Void) throws {
    let s = try db.prepare("SELECT \(Self.accountColumns) FROM users ORDER BY rowid")
    while try s.step() { try body(Self.account(s)) }
  }

  func exportAccounts(withHashes: Bool) throws(StoreError) -> any RowCursor {
    try cursor(
      """
      SELECT email, \(withHashes ? "CAST(password AS TEXT)" : "NULL"), \(Self.activation),
        created_at, expires_at
      FROM users ORDER BY rowid
      """, [], columns: ["email", "password_hash", "activated_at", "created_at", "expires_at"])
  }
}

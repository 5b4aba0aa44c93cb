#if PostgreSQL
  /// Accounts: the `users` table. Emails compare as `lower(email COLLATE "C")`, the unique
  /// index's expression: ASCII letters fold, nothing else — exactly SQLite's `NOCASE`, so both
  /// stores accept and refuse the same addresses. (Chosen over `citext`, which needs an
  /// extension installed by a superuser and folds by the database's locale.)
  extension PostgresTransaction {
    static let accountColumns = """
      id, email, password, activated_at, created_at, updated_at, disabled_at, failed_logins, \
      locked_until, last_login_at, password_generated, stamp, security_changed_at, valid_from, \
      expires_at, must_reset_at, must_reset_reason, pending_email, pending_email_at
      """

    static let emailKey = #"lower(email COLLATE "C")"#

    static func account(_ r: PGResult, _ i: Int) -> Account {
      Account(
        id: r.text(i, 0), email: r.optionalText(i, 1) ?? "", passwordHash: r.optionalText(i, 2),
        activatedAt: StoredTime.activation(r.optionalText(i, 3)),
        createdAt: r.optionalInstant(i, 4),
        updatedAt: r.optionalInstant(i, 5), disabledAt: r.optionalInstant(i, 6),
        failedLogins: Int(r.int(i, 7)), lockedUntil: r.optionalInstant(i, 8),
        lastLoginAt: r.optionalInstant(i, 9), passwordGenerated: r.int(i, 10) != 0,
        stamp: r.optionalText(i, 11), securityChangedAt: r.optionalInstant(i, 12),
        validFrom: r.optionalInstant(i, 13), expiresAt: r.optionalInstant(i, 14),
        mustResetAt: r.optionalInstant(i, 15), mustResetReason: r.optionalText(i, 16),
        pendingEmail: r.optionalText(i, 17), pendingEmailAt: r.optionalInstant(i, 18))
    }

    /// The time columns of `users`, in `accountColumns` order.
    static let accountTimeColumns = """
      activated_at, created_at, updated_at, disabled_at, locked_until, last_login_at, \
      security_changed_at, valid_from, expires_at, must_reset_at, pending_email_at
      """

    /// Every column of `a`, as `$1`…`$13` in `accountColumns` order. `stored` are the row's
    /// time texts (`accountTimeColumns`), kept where they name the same instant.
    static func values(_ a: Account, stored: [String?] = Array(repeating: nil, count: 11))
      -> [String?]
    {
      [
        a.id, a.email, a.passwordHash, PGTime.activation(a.activatedAt, keeping: stored[0]),
        PGTime.text(a.createdAt, keeping: stored[1]), PGTime.text(a.updatedAt, keeping: stored[2]),
        PGTime.text(a.disabledAt, keeping: stored[3]), a.failedLogins.bound,
        PGTime.text(a.lockedUntil, keeping: stored[4]),
        PGTime.text(a.lastLoginAt, keeping: stored[5]), a.passwordGenerated.bound, a.stamp,
        PGTime.text(a.securityChangedAt, keeping: stored[6]),
        PGTime.text(a.validFrom, keeping: stored[7]), PGTime.text(a.expiresAt, keeping: stored[8]),
        PGTime.text(a.mustResetAt, keeping: stored[9]), a.mustResetReason, a.pendingEmail,
        PGTime.text(a.pendingEmailAt, keeping: stored[10]),
      ]
    }

    func account(email: String) throws(StoreError) -> Account? {
      try first(
        #"SELECT \#(Self.accountColumns) FROM users WHERE \#(Self.emailKey) = lower($1 COLLATE "C")"#,
        [email], Self.account)
    }

    func account(id: String) throws(StoreError) -> Account? {
      try first("SELECT \(Self.accountColumns) FROM users WHERE id = $1", [id], Self.account)
    }

    func hasAccount(email: String) throws(StoreError) -> Bool {
      try first(
        #"SELECT 1 FROM users WHERE \#(Self.emailKey) = lower($1 COLLATE "C")"#, [email]
      ) { _, _ in true } ?? false
    }

    func insertAccount(_ a: Account) throws(StoreError) {
      try run(
        """
        INSERT INTO users (\(Self.accountColumns))
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
          $18, $19)
        """, Self.values(a))
    }

    /// A time the row holds in another form naming the same instant is written back as it was.
    @discardableResult
    func updateAccount(_ a: Account) throws(StoreError) -> Bool {
      guard
        let stored = try first(
          "SELECT \(Self.accountTimeColumns) FROM users WHERE id = $1", [a.id],
          { r, i in (0..<11).map { r.optionalText(i, $0) } })
      else { return false }
      return try run(
        """
        UPDATE users SET email = $2, password = $3, activated_at = $4, created_at = $5,
          updated_at = $6, disabled_at = $7, failed_logins = $8, locked_until = $9,
          last_login_at = $10, password_generated = $11, stamp = $12, security_changed_at = $13,
          valid_from = $14, expires_at = $15, must_reset_at = $16, must_reset_reason = $17,
          pending_email = $18, pending_email_at = $19
        WHERE id = $1
        """, Self.values(a, stored: stored)) == 1
    }

    func requireResetAll(at: Instant, reason: String?) throws(StoreError) -> Int {
      try run(
        """
        UPDATE users SET must_reset_at = $1, must_reset_reason = $2, updated_at = $1
        WHERE must_reset_at IS NULL
        """, [PGTime.text(at), reason])
    }

    /// Sessions and codes go by `ON DELETE CASCADE`, outbox rows explicitly.
    @discardableResult
    func deleteAccount(id: String) throws(StoreError) -> Bool {
      try run("DELETE FROM outbox WHERE user_id = $1", [id])
      return try run("DELETE FROM users WHERE id = $1", [id]) == 1
    }

    static let unconfirmedBefore = "activated_at IS NULL AND created_at < $1"

    func unconfirmedEmails(createdBefore cutoff: Instant) throws(StoreError) -> [String] {
      try all(
        "SELECT email FROM users WHERE \(Self.unconfirmedBefore) ORDER BY seq",
        [PGTime.text(cutoff)]
      ) { r, i in r.optionalText(i, 0) ?? "" }
    }

    func deleteUnconfirmed(createdBefore cutoff: Instant) throws(StoreError) -> Int {
      let cutoff = PGTime.text(cutoff)
      try run(
        "DELETE FROM outbox WHERE user_id IN (SELECT id FROM users WHERE \(Self.unconfirmedBefore))",
        [cutoff])
      return try run("DELETE FROM users WHERE \(Self.unconfirmedBefore)", [cutoff])
    }

    /// `activated_at` as the account reads it: NULL when blank (`StoredTime.activation`).
    static let activation = #"nullif(btrim(activated_at, E' \t\n\r'), '')"#
    static let expiredCondition = "(expires_at IS NOT NULL AND expires_at <= $1)"
    static let notYetValidCondition = "(valid_from IS NOT NULL AND valid_from > $1)"

    /// The status of a `users` row (as `Account.status`), given the time as `$1`.
    static let statusExpression = """
      CASE WHEN disabled_at IS NOT NULL THEN 'disabled' \
      WHEN \(expiredCondition) THEN 'expired' \
      WHEN \(notYetValidCondition) THEN 'not-yet-valid' \
      WHEN locked_until IS NOT NULL AND locked_until > $1 THEN 'locked' \
      WHEN \(activation) IS NULL THEN 'unconfirmed' \
      WHEN must_reset_at IS NOT NULL THEN 'must-reset' ELSE 'active' END
      """

    /// A stored time as UTC ISO 8601 (`…Z`), whatever form the original app wrote it in (a
    /// date, a time with or without seconds, fraction or offset; no offset is UTC, as SQLite's
    /// `strftime` reads it); other text is kept as it is.
    static func utc(_ column: String) -> String {
      #"""
      CASE WHEN \#(column) ~ '^\s*\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?\s*(Z|[+-]\d\d:?\d\d)?\s*$' \#
      THEN to_char((\#(column))::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') \#
      ELSE \#(column) END
      """#
    }

    func listAccounts(_ filter: AccountFilter, now: Instant) throws(StoreError) -> any RowCursor {
      var sql = """
        SELECT id, email, \(Self.statusExpression) AS status, \(Self.utc("created_at")), \
        \(Self.utc(Self.activation)), \(Self.utc("last_login_at")) FROM users
        """
      var conditions: [String] = []
      var values: [String?] = [PGTime.text(now)]
      switch filter.status {
      case nil: break
      case .expired?: conditions.append(Self.expiredCondition)
      case .notYetValid?: conditions.append(Self.notYetValidCondition)
      case .mustReset?: conditions.append("must_reset_at IS NOT NULL")
      case let status?:
        values.append(status.rawValue)
        conditions.append("(\(Self.statusExpression)) = $\(values.count)")
      }
      if let before = filter.createdBefore {
        values.append(PGTime.text(before))
        conditions.append("created_at < $\(values.count)")
      }
      if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
      sql += " ORDER BY seq"
      if let limit = filter.limit {
        values.append(limit.bound)
        sql += " LIMIT $\(values.count)"
      }
      return try cursor(
        sql, values,
        columns: ["id", "email", "status", "created_at", "activated_at", "last_login_at"])
    }

    /// Rows stream through a server-side cursor, a batch at a time.
    func eachAccount(_ body: (Account) throws -> Void) throws {
      db.cursors += 1
      let name = "authctl_cursor_\(db.cursors)"
      try db.query(
        "DECLARE \(name) NO SCROLL CURSOR FOR SELECT \(Self.accountColumns) FROM users ORDER BY seq"
      )
      while true {
        let r = try db.execute("FETCH FORWARD \(PGCursor.batch) FROM \(name)")
        for i in 0..<r.rowCount { try body(Self.account(r, i)) }
        if r.rowCount < PGCursor.batch { break }
      }
      try db.execute("CLOSE \(name)")
    }

    func exportAccounts(withHashes: Bool) throws(StoreError) -> any RowCursor {
      try cursor(
        """
        SELECT email, \(withHashes ? "password" : "NULL"), \(Self.activation), created_at,
          expires_at
        FROM users ORDER BY seq
        """, [], columns: ["email", "password_hash", "activated_at", "created_at", "expires_at"])
    }
  }
#endif

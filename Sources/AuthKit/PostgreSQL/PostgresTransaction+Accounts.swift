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

    /// `INSERT … ON CONFLICT DO NOTHING` with `seq = importBase + line`, as SQLite's rowid: rows
    /// keep the file's order, and a taken email is told apart by its row's `seq` — above the
    /// base, an earlier line of this import; else an account from before. The first call locks
    /// `users` against other writers for the rest of the transaction (`EXCLUSIVE`: reads go on,
    /// as on SQLite while an import holds the write lock), so no registration takes a `seq` of
    /// the import's range from the identity sequence, which is moved past it 65,536 lines at a
    /// time (`setval`; a sequence is not rolled back, which only leaves a gap).
    func importAccount(_ a: Account, line: Int) throws(StoreError) -> ImportOutcome {
      let base: Int64
      if let importBase {
        base = importBase
      } else {
        try run("LOCK TABLE users IN EXCLUSIVE MODE")
        base = Int64(try integer("SELECT coalesce(max(seq), 0) FROM users"))
        importBase = base
      }
      let seq = base + Int64(line)
      if seq > importReserved {
        importReserved = seq + 65_536
        try db.query(
          "SELECT setval(pg_get_serial_sequence('users', 'seq'), $1)", [importReserved.bound])
      }
      let added = try run(
        """
        INSERT INTO users (seq, \(Self.accountColumns))
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
          $19, $20)
        ON CONFLICT DO NOTHING
        """, [seq.bound] + Self.values(a))
      if added == 1 { return .added }
      guard
        let taken = try first(
          #"SELECT seq FROM users WHERE \#(Self.emailKey) = lower($1 COLLATE "C")"#, [a.email],
          { r, i in r.int(i, 0) })
      else {
        throw .engine(
          kind: .constraint,
          message: "a new account id was drawn twice (line \(line)); nothing imported, run it again"
        )
      }
      return taken > base ? .repeated(line: Int(taken - base)) : .existing
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

    /// Each count over its partial index, as on SQLite (`SQLiteTransaction.accountCountSQL`):
    /// the sets of disabled, expired, not yet valid, locked and must-reset accounts ranked as
    /// `Account.status` ranks them, the unconfirmed ones by their partial index. Active is
    /// what is left.
    func accountCounts(now: Instant, unconfirmedBefore: Instant) throws(StoreError)
      -> AccountCounts
    {
      let q = Self.accountCountSQL
      let at = [PGTime.text(now)]
      var shadowed = try integer(q.unconfirmedRankedHigher[0])
      for sql in q.unconfirmedRankedHigher.dropFirst() { shadowed += try integer(sql, at) }
      return AccountCounts(
        total: try integer(q.total), disabled: try integer(q.disabled),
        expired: try integer(q.expired, at), notYetValid: try integer(q.notYetValid, at),
        locked: try integer(q.locked, at), unconfirmedAll: try integer(q.unconfirmed),
        unconfirmedRankedHigher: shadowed, mustReset: try integer(q.mustReset, at),
        unconfirmedBeforeCutoff: try integer(q.unconfirmedBefore, [PGTime.text(unconfirmedBefore)]))
    }

    /// The counts of `accountCounts`, `$1` the time.
    static let accountCountSQL = {
      let expired = "expires_at IS NOT NULL AND expires_at <= $1"
      let notYetValid = "valid_from IS NOT NULL AND valid_from > $1"
      let locked = "locked_until IS NOT NULL AND locked_until > $1"
      let open = "disabled_at IS NULL AND NOT (\(expired))"
      let unlocked = "\(open) AND NOT (\(notYetValid)) AND NOT (\(locked))"
      let disabledSQL = "SELECT count(*) FROM users WHERE disabled_at IS NOT NULL"
      let expiredSQL = "SELECT count(*) FROM users WHERE \(expired) AND disabled_at IS NULL"
      let notYetValidSQL = "SELECT count(*) FROM users WHERE \(notYetValid) AND \(open)"
      let lockedSQL =
        "SELECT count(*) FROM users WHERE \(locked) AND \(open) AND NOT (\(notYetValid))"
      return (
        total: "SELECT count(*) FROM users",
        disabled: disabledSQL, expired: expiredSQL, notYetValid: notYetValidSQL,
        locked: lockedSQL,
        unconfirmed: "SELECT count(*) FROM users WHERE activated_at IS NULL",
        unconfirmedRankedHigher: [disabledSQL, expiredSQL, notYetValidSQL, lockedSQL].map {
          $0 + " AND activated_at IS NULL"
        },
        mustReset: """
        SELECT count(*) FROM users WHERE must_reset_at IS NOT NULL \
        AND activated_at IS NOT NULL AND \(unlocked)
        """,
        unconfirmedBefore: "SELECT count(*) FROM users WHERE \(unconfirmedBefore)"
      )
    }()

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

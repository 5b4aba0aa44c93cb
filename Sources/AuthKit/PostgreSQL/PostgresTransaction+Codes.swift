#if PostgreSQL
  /// One-time codes: the `codes` table.
  extension PostgresTransaction {
    @discardableResult
    func replaceCode(
      userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
    ) throws(StoreError) -> Int64 {
      try run("DELETE FROM codes WHERE user_id = $1 AND purpose = $2", [userID, purpose])
      return try first(
        """
        INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5) RETURNING id
        """, [userID, purpose, codeHash, PGTime.text(createdAt), PGTime.text(expiresAt)]
      ) { r, i in r.int(i, 0) } ?? 0
    }

    func insertCode(
      userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
    ) throws(StoreError) -> OneTimeCode {
      try run(
        "DELETE FROM codes WHERE user_id = $1 AND purpose = $2 AND expires_at < $3",
        [userID, purpose, PGTime.text(createdAt)])
      let id =
        try first(
          """
          INSERT INTO codes (user_id, purpose, code_hash, created_at, expires_at)
          VALUES ($1, $2, $3, $4, $5) RETURNING id
          """, [userID, purpose, codeHash, PGTime.text(createdAt), PGTime.text(expiresAt)]
        ) { r, i in r.int(i, 0) } ?? 0
      return OneTimeCode(
        id: id, userID: userID, purpose: purpose, codeHash: codeHash, attempts: 0,
        createdAt: createdAt, expiresAt: expiresAt, usedAt: nil)
    }

    static let codeColumns =
      "id, user_id, purpose, code_hash, attempts, created_at, expires_at, used_at"

    static func code(_ r: PGResult, _ i: Int) -> OneTimeCode {
      OneTimeCode(
        id: r.int(i, 0), userID: r.text(i, 1), purpose: r.text(i, 2), codeHash: r.text(i, 3),
        attempts: Int(r.int(i, 4)), createdAt: r.instant(i, 5), expiresAt: r.instant(i, 6),
        usedAt: r.optionalInstant(i, 7))
    }

    func code(userID: String, purpose: String, codeHash: String) throws(StoreError)
      -> OneTimeCode?
    {
      try first(
        """
        SELECT \(Self.codeColumns) FROM codes
        WHERE user_id = $1 AND purpose = $2 AND code_hash = $3 LIMIT 1
        """, [userID, purpose, codeHash], Self.code)
    }

    func currentCode(userID: String, purpose: String) throws(StoreError) -> OneTimeCode? {
      try first(
        """
        SELECT \(Self.codeColumns) FROM codes
        WHERE user_id = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1
        """, [userID, purpose], Self.code)
    }

    func countCodeAttempt(id: Int64) throws(StoreError) {
      try run("UPDATE codes SET attempts = attempts + 1 WHERE id = $1", [id.bound])
    }

    func markCodeUsed(id: Int64, at: Instant) throws(StoreError) {
      try run("UPDATE codes SET used_at = $2 WHERE id = $1", [id.bound, PGTime.text(at)])
    }
  }
#endif

#if PostgreSQL
  /// The audit trail: the `audit` table.
  extension PostgresTransaction {
    func record(_ e: AuditEvent) throws(StoreError) {
      try run(
        """
        INSERT INTO audit (at, event, user_id, email, outcome, reason, detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        [PGTime.text(e.at), e.event, e.userID, e.email, e.ok ? "ok" : "failed", e.reason, e.detail])
    }

    func auditEvents(_ filter: AuditFilter) throws(StoreError) -> any RowCursor {
      var conditions: [String] = []
      var values: [String?] = []
      switch (filter.email, filter.userID) {
      case (let email?, let id?):
        values += [email, id]
        conditions.append(#"(lower(email COLLATE "C") = lower($1 COLLATE "C") OR user_id = $2)"#)
      case (let email?, nil):
        values.append(email)
        conditions.append(#"lower(email COLLATE "C") = lower($\#(values.count) COLLATE "C")"#)
      case (nil, let id?):
        values.append(id)
        conditions.append("user_id = $\(values.count)")
      case (nil, nil):
        break
      }
      if let event = filter.event {
        values.append(event)
        conditions.append("event = $\(values.count)")
      }
      if let since = filter.since {
        values.append(PGTime.text(since))
        conditions.append("at >= $\(values.count)")
      }
      if filter.failedOnly { conditions.append("outcome = 'failed'") }
      let columns = ["at", "event", "email", "user_id", "outcome", "reason", "detail"]
      var sql = "SELECT \(columns.joined(separator: ", ")) FROM audit"
      if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
      sql += " ORDER BY id"
      return try cursor(sql, values, columns: columns)
    }

    func auditEventCount(before cutoff: Instant) throws(StoreError) -> Int {
      try integer("SELECT count(*) FROM audit WHERE at < $1", [PGTime.text(cutoff)])
    }

    /// The oldest first, over the `audit_at` index: each batch starts where the last ended.
    func deleteAuditEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
      try run(
        "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $1 ORDER BY at LIMIT $2)",
        [PGTime.text(cutoff), limit.bound])
    }

    /// One range of the `audit_event_outcome_at` index per event and outcome (version 6).
    func auditEventCounts(_ events: [String], since: Instant) throws(StoreError)
      -> [String: (ok: Int, failed: Int)]
    {
      var counts: [String: (ok: Int, failed: Int)] = [:]
      for event in events {
        func count(_ outcome: String) throws(StoreError) -> Int {
          try integer(
            "SELECT count(*) FROM audit WHERE event = $1 AND outcome = $2 AND at >= $3",
            [event, outcome, PGTime.text(since)])
        }
        counts[event] = (try count("ok"), try count("failed"))
      }
      return counts
    }

    /// The account's events through `audit_user` and `audit_email`; the address in any reason
    /// or detail through one scan of those two columns (`strpos` on ASCII-lower-cased text,
    /// `COLLATE "C"`, as SQLite's `lower`).
    func pseudonymiseAuditEvents(userID: String, email: String, pseudonym: String)
      throws(StoreError) -> Int
    {
      let address = email.lowercased()
      let rows = try all(
        #"""
        SELECT id, user_id, email, reason, detail FROM audit
        WHERE user_id = $1 OR lower(email COLLATE "C") = $2
          OR strpos(lower(reason COLLATE "C"), $2) > 0 OR strpos(lower(detail COLLATE "C"), $2) > 0
        """#, [userID, address]
      ) { r, i in
        (
          r.int(i, 0), r.optionalText(i, 1), r.optionalText(i, 2), r.optionalText(i, 3),
          r.optionalText(i, 4)
        )
      }
      for (id, user, mail, reason, detail) in rows {
        let e = AuditText.erased(
          (user, mail, reason, detail), userID: userID, address: address, pseudonym: pseudonym)
        try run(
          "UPDATE audit SET user_id = $2, email = $3, reason = $4, detail = $5 WHERE id = $1",
          [
            id.bound, e.user, e.email, e.reason, e.detail,
          ])
      }
      return rows.count
    }
  }
#endif

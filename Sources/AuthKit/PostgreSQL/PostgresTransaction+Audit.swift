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
      if let email = filter.email {
        values.append(email)
        conditions.append(#"lower(email COLLATE "C") = lower($\#(values.count) COLLATE "C")"#)
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
  }
#endif

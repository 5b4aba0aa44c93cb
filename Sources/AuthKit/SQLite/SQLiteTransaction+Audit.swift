/// The audit trail: the `audit` table.
extension SQLiteTransaction {
  func record(_ e: AuditEvent) throws(StoreError) {
    try run(
      """
      INSERT INTO audit (at, event, user_id, email, outcome, reason, detail)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      """,
      [
        StoredTime.value(e.at), .text(e.event), .optional(e.userID), .optional(e.email),
        .text(e.ok ? "ok" : "failed"), .optional(e.reason), .optional(e.detail),
      ])
  }

  func auditEvents(_ filter: AuditFilter) throws(StoreError) -> any RowCursor {
    var conditions: [String] = []
    var values: [SQLValue] = []
    if let email = filter.email {
      values.append(.text(email))
      conditions.append("email = ?\(values.count) COLLATE NOCASE")
    }
    if let event = filter.event {
      values.append(.text(event))
      conditions.append("event = ?\(values.count)")
    }
    if let since = filter.since {
      values.append(StoredTime.value(since))
      conditions.append("at >= ?\(values.count)")
    }
    if filter.failedOnly { conditions.append("outcome = 'failed'") }
    let columns = ["at", "event", "email", "user_id", "outcome", "reason", "detail"]
    var sql = "SELECT \(columns.joined(separator: ", ")) FROM audit"
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY id"
    return try cursor(sql, values, columns: columns)
  }
}

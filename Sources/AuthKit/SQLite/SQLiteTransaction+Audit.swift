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
    switch (filter.email, filter.userID) {
    case (let email?, let id?):
      values += [.text(email), .text(id)]
      conditions.append("(email = ?1 COLLATE NOCASE OR user_id = ?2)")
    case (let email?, nil):
      values.append(.text(email))
      conditions.append("email = ?\(values.count) COLLATE NOCASE")
    case (nil, let id?):
      values.append(.text(id))
      conditions.append("user_id = ?\(values.count)")
    case (nil, nil):
      break
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

  func auditEventCount(before cutoff: Instant) throws(StoreError) -> Int {
    try first("SELECT count(*) FROM audit WHERE at < ?1", [StoredTime.value(cutoff)]) {
      Int($0.int(0))
    } ?? 0
  }

  /// The oldest first, over the `audit_at` index: each batch starts where the last ended.
  func deleteAuditEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
    try run(Self.deleteAuditBatchSQL, [StoredTime.value(cutoff), .integer(Int64(limit))])
  }

  /// A batch of `prune` (named for its query-plan test: a range of `audit_at`).
  static let deleteAuditBatchSQL =
    "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 ORDER BY at LIMIT ?2)"

  /// One range of the `audit_event_outcome_at` index per event and outcome (migration 6).
  func auditEventCounts(_ events: [String], since: Instant) throws(StoreError)
    -> [String: (ok: Int, failed: Int)]
  {
    var counts: [String: (ok: Int, failed: Int)] = [:]
    for event in events {
      func count(_ outcome: String) throws(StoreError) -> Int {
        try first(
          Self.eventCountSQL, [.text(event), .text(outcome), StoredTime.value(since)]
        ) { Int($0.int(0)) } ?? 0
      }
      counts[event] = (try count("ok"), try count("failed"))
    }
    return counts
  }

  /// The count `authctl stats` runs per event and outcome (named for its query-plan test).
  static let eventCountSQL =
    "SELECT count(*) FROM audit WHERE event = ?1 AND outcome = ?2 AND at >= ?3"

  /// The account's events through `audit_user` and `audit_email`; the address in any reason
  /// or detail through one scan of those two columns (`instr` on lower-cased text).
  func pseudonymiseAuditEvents(userID: String, email: String, pseudonym: String)
    throws(StoreError) -> Int
  {
    let address = email.lowercased()
    let rows = try all(
      """
      SELECT id, user_id, email, reason, detail FROM audit
      WHERE user_id = ?1 OR email = ?2 COLLATE NOCASE
        OR instr(lower(reason), ?2) > 0 OR instr(lower(detail), ?2) > 0
      """, [.text(userID), .text(address)]
    ) { s in
      (s.int(0), s.optionalText(1), s.optionalText(2), s.optionalText(3), s.optionalText(4))
    }
    for (id, user, mail, reason, detail) in rows {
      let e = AuditText.erased(
        (user, mail, reason, detail), userID: userID, address: address, pseudonym: pseudonym)
      try run(
        "UPDATE audit SET user_id = ?2, email = ?3, reason = ?4, detail = ?5 WHERE id = ?1",
        [
          .integer(id), .optional(e.user), .optional(e.email), .optional(e.reason),
          .optional(e.detail),
        ])
    }
    return rows.count
  }
}

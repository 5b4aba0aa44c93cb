/// The hook events: the `hook_events` table (issue 15).
extension SQLiteTransaction {
  static let hookColumns = """
    id, at, event, user_id, email, outcome, reason, detail, status, attempts, next_attempt_at, \
    last_error
    """

  static func hookEvent(_ s: Statement) -> HookEvent {
    HookEvent(
      id: s.int(0),
      audit: AuditEvent(
        at: s.instant(1), event: s.text(2), userID: s.optionalText(3), email: s.optionalText(4),
        ok: s.text(5) == "ok", reason: s.optionalText(6), detail: s.optionalText(7)),
      status: s.text(8), attempts: Int(s.int(9)), nextAttemptAt: s.instant(10),
      lastError: s.optionalText(11))
  }

  /// The account key (`HookRecords`): the event's account id, else the id of the account
  /// its address names (a refusal recorded before the account was named), else the address.
  func queueHookEvent(_ e: AuditEvent) throws(StoreError) {
    try run(
      """
      INSERT INTO hook_events (at, event, user_id, email, outcome, reason, detail, account_key,
        next_attempt_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
        coalesce(?3, (SELECT id FROM users WHERE email = ?4 COLLATE NOCASE), 'email:' || lower(?4)),
        ?1)
      """,
      [
        StoredTime.value(e.at), .text(e.event), .optional(e.userID), .optional(e.email),
        .text(e.ok ? "ok" : "failed"), .optional(e.reason), .optional(e.detail),
      ])
  }

  func hookEvent(id: Int64) throws(StoreError) -> HookEvent? {
    try first(
      "SELECT \(Self.hookColumns) FROM hook_events WHERE id = ?1", [.integer(id)], Self.hookEvent)
  }

  func dueHookEvents(now: Instant, all: Bool, limit: Int) throws(StoreError) -> [HookEvent] {
    try self.all(
      """
      SELECT \(Self.hookColumns) FROM hook_events AS h
      WHERE status = 'queued' AND (?2 OR next_attempt_at <= ?1)
        AND NOT EXISTS (SELECT 1 FROM hook_events AS e
          WHERE e.account_key = h.account_key AND e.status = 'queued' AND e.id < h.id)
      ORDER BY id LIMIT ?3
      """, [StoredTime.value(now), .integer(all ? 1 : 0), .integer(Int64(limit))],
      Self.hookEvent)
  }

  func hookEventWaits(id: Int64) throws(StoreError) -> Bool {
    try first(
      """
      SELECT 1 FROM hook_events AS h JOIN hook_events AS e ON e.account_key = h.account_key
      WHERE h.id = ?1 AND e.status = 'queued' AND e.id < h.id LIMIT 1
      """, [.integer(id)]
    ) { _ in true } ?? false
  }

  func pendingHookEvents() throws(StoreError) -> [HookEvent] {
    try all(
      """
      SELECT \(Self.hookColumns) FROM hook_events WHERE status IN ('queued', 'failed')
      ORDER BY id
      """, [], Self.hookEvent)
  }

  func deferredHookEvents(now: Instant) throws(StoreError) -> (count: Int, nextDue: Instant?) {
    try first(
      """
      SELECT count(*), min(next_attempt_at) FROM hook_events
      WHERE status = 'queued' AND next_attempt_at > ?1
      """, [StoredTime.value(now)]
    ) { (Int($0.int(0)), $0.optionalInstant(1)) } ?? (0, nil)
  }

  func markHookSent(id: Int64, at: Instant) throws(StoreError) {
    try run(
      """
      UPDATE hook_events SET status = 'sent', sent_at = ?2, attempts = attempts + 1,
        last_error = NULL WHERE id = ?1
      """, [.integer(id), StoredTime.value(at)])
  }

  func markHookDeferred(id: Int64, error: String, next: Instant) throws(StoreError) {
    try run(
      """
      UPDATE hook_events SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
      WHERE id = ?1
      """, [.integer(id), .text(error), StoredTime.value(next)])
  }

  func markHookFailed(id: Int64, error: String) throws(StoreError) {
    try run(
      """
      UPDATE hook_events SET status = 'failed', attempts = attempts + 1, last_error = ?2
      WHERE id = ?1
      """, [.integer(id), .text(error)])
  }

  func finishedHookEventCount(before cutoff: Instant) throws(StoreError) -> Int {
    try first(
      "SELECT count(*) FROM hook_events WHERE status IN ('sent', 'failed') AND at < ?1",
      [StoredTime.value(cutoff)]
    ) { Int($0.int(0)) } ?? 0
  }

  func deleteFinishedHookEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
    try run(
      """
      DELETE FROM hook_events WHERE id IN (SELECT id FROM hook_events
        WHERE status IN ('sent', 'failed') AND at < ?1 ORDER BY id LIMIT ?2)
      """, [StoredTime.value(cutoff), .integer(Int64(limit))])
  }

  func pseudonymiseHookEvents(userID: String, email: String, pseudonym: String)
    throws(StoreError) -> Int
  {
    let address = email.lowercased()
    let rows = try all(
      """
      SELECT id, user_id, email, reason, detail, account_key FROM hook_events
      WHERE user_id = ?1 OR email = ?2 COLLATE NOCASE OR account_key = ?1
        OR account_key = ?2 COLLATE NOCASE
        OR instr(lower(reason), ?2) > 0 OR instr(lower(detail), ?2) > 0
      """, [.text(userID), .text(address)]
    ) { s in
      (
        s.int(0), s.optionalText(1), s.optionalText(2), s.optionalText(3), s.optionalText(4),
        s.optionalText(5)
      )
    }
    for (id, user, mail, reason, detail, key) in rows {
      let e = AuditText.erased(
        (user, mail, reason, detail), userID: userID, address: address, pseudonym: pseudonym)
      let newKey = key == userID || key?.lowercased() == address ? pseudonym : key
      try run(
        """
        UPDATE hook_events SET user_id = ?2, email = ?3, reason = ?4, detail = ?5,
          account_key = ?6, last_error = NULL WHERE id = ?1
        """,
        [
          .integer(id), .optional(e.user), .optional(e.email), .optional(e.reason),
          .optional(e.detail), .optional(newKey),
        ])
    }
    return rows.count
  }
}

#if PostgreSQL
  /// The hook events: the `hook_events` table (issue 15).
  extension PostgresTransaction {
    static let hookColumns = """
      id, at, event, user_id, email, outcome, reason, detail, status, attempts, \
      next_attempt_at, last_error
      """

    static func hookEvent(_ r: PGResult, _ i: Int) -> HookEvent {
      HookEvent(
        id: r.int(i, 0),
        audit: AuditEvent(
          at: r.instant(i, 1), event: r.text(i, 2), userID: r.optionalText(i, 3),
          email: r.optionalText(i, 4), ok: r.text(i, 5) == "ok", reason: r.optionalText(i, 6),
          detail: r.optionalText(i, 7)),
        status: r.text(i, 8), attempts: Int(r.int(i, 9)), nextAttemptAt: r.instant(i, 10),
        lastError: r.optionalText(i, 11))
    }

    /// The account key, as on SQLite: the account id, else the id of the account the address
    /// names, else the address.
    func queueHookEvent(_ e: AuditEvent) throws(StoreError) {
      try run(
        """
        INSERT INTO hook_events (at, event, user_id, email, outcome, reason, detail,
          account_key, next_attempt_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7,
          coalesce($3::text,
            (SELECT id FROM users WHERE lower(email COLLATE "C") = lower($4::text COLLATE "C")),
            'email:' || lower($4::text)),
          $1)
        """,
        [PGTime.text(e.at), e.event, e.userID, e.email, e.ok ? "ok" : "failed", e.reason, e.detail])
    }

    func hookEvent(id: Int64) throws(StoreError) -> HookEvent? {
      try first(
        "SELECT \(Self.hookColumns) FROM hook_events WHERE id = $1", [id.bound], Self.hookEvent)
    }

    func dueHookEvents(now: Instant, all: Bool, limit: Int) throws(StoreError) -> [HookEvent] {
      try self.all(
        """
        SELECT \(Self.hookColumns) FROM hook_events AS h
        WHERE status = 'queued' AND ($2::boolean OR next_attempt_at <= $1)
          AND NOT EXISTS (SELECT 1 FROM hook_events AS e
            WHERE e.account_key = h.account_key AND e.status = 'queued' AND e.id < h.id)
        ORDER BY id LIMIT $3
        """, [PGTime.text(now), all ? "true" : "false", limit.bound], Self.hookEvent)
    }

    func hookEventWaits(id: Int64) throws(StoreError) -> Bool {
      try first(
        """
        SELECT 1 FROM hook_events AS h JOIN hook_events AS e ON e.account_key = h.account_key
        WHERE h.id = $1 AND e.status = 'queued' AND e.id < h.id LIMIT 1
        """, [id.bound]
      ) { _, _ in true } ?? false
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
        WHERE status = 'queued' AND next_attempt_at > $1
        """, [PGTime.text(now)]
      ) { r, i in (Int(r.int(i, 0)), r.optionalInstant(i, 1)) } ?? (0, nil)
    }

    func markHookSent(id: Int64, at: Instant) throws(StoreError) {
      try run(
        """
        UPDATE hook_events SET status = 'sent', sent_at = $2, attempts = attempts + 1,
          last_error = NULL WHERE id = $1
        """, [id.bound, PGTime.text(at)])
    }

    func markHookDeferred(id: Int64, error: String, next: Instant) throws(StoreError) {
      try run(
        """
        UPDATE hook_events SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
        WHERE id = $1
        """, [id.bound, error, PGTime.text(next)])
    }

    func markHookFailed(id: Int64, error: String) throws(StoreError) {
      try run(
        """
        UPDATE hook_events SET status = 'failed', attempts = attempts + 1, last_error = $2
        WHERE id = $1
        """, [id.bound, error])
    }

    func finishedHookEventCount(before cutoff: Instant) throws(StoreError) -> Int {
      try integer(
        "SELECT count(*) FROM hook_events WHERE status IN ('sent', 'failed') AND at < $1",
        [PGTime.text(cutoff)])
    }

    func deleteFinishedHookEvents(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
      try run(
        """
        DELETE FROM hook_events WHERE id IN (SELECT id FROM hook_events
          WHERE status IN ('sent', 'failed') AND at < $1 ORDER BY id LIMIT $2)
        """, [PGTime.text(cutoff), limit.bound])
    }

    func pseudonymiseHookEvents(userID: String, email: String, pseudonym: String)
      throws(StoreError) -> Int
    {
      let address = email.lowercased()
      let rows = try all(
        #"""
        SELECT id, user_id, email, reason, detail, account_key FROM hook_events
        WHERE user_id = $1 OR lower(email COLLATE "C") = $2 OR account_key = $1
          OR lower(account_key COLLATE "C") = $2
          OR strpos(lower(reason COLLATE "C"), $2) > 0 OR strpos(lower(detail COLLATE "C"), $2) > 0
        """#, [userID, address]
      ) { r, i in
        (
          r.int(i, 0), r.optionalText(i, 1), r.optionalText(i, 2), r.optionalText(i, 3),
          r.optionalText(i, 4), r.optionalText(i, 5)
        )
      }
      for (id, user, mail, reason, detail, key) in rows {
        let e = AuditText.erased(
          (user, mail, reason, detail), userID: userID, address: address, pseudonym: pseudonym)
        let newKey = key == userID || key?.lowercased() == address ? pseudonym : key
        try run(
          """
          UPDATE hook_events SET user_id = $2, email = $3, reason = $4, detail = $5,
            account_key = $6, last_error = NULL WHERE id = $1
          """,
          [
            id.bound, e.user, e.email, e.reason, e.detail, newKey,
          ])
      }
      return rows.count
    }
  }
#endif

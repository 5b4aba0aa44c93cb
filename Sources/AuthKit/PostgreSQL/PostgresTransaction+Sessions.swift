#if PostgreSQL
  /// Sessions: the `sessions` table (`seq` keeps insertion order, as SQLite's rowid).
  extension PostgresTransaction {
    func insertSession(_ s: Session) throws(StoreError) {
      try run(
        "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        [s.id, s.userID, PGTime.text(s.createdAt), PGTime.text(s.expiresAt)])
    }

    static let sessionColumns = "id, user_id, created_at, expires_at, revoked_at, revoked_reason"

    static func session(_ r: PGResult, _ i: Int) -> Session {
      Session(
        id: r.text(i, 0), userID: r.text(i, 1), createdAt: r.instant(i, 2),
        expiresAt: r.instant(i, 3), revokedAt: r.optionalInstant(i, 4),
        revokedReason: r.optionalText(i, 5))
    }

    func session(id: String) throws(StoreError) -> Session? {
      try first(
        "SELECT \(Self.sessionColumns) FROM sessions WHERE id = $1", [id], Self.session)
    }

    func liveSessions(userID: String, now: Instant) throws(StoreError) -> [Session] {
      try all(
        """
        SELECT \(Self.sessionColumns) FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
        ORDER BY created_at DESC, seq DESC
        """, [userID, PGTime.text(now)], Self.session)
    }

    static let endedBefore = "expires_at < $1 OR revoked_at < $1"

    func endedSessionCount(before cutoff: Instant) throws(StoreError) -> Int {
      try integer("SELECT count(*) FROM sessions WHERE \(Self.endedBefore)", [PGTime.text(cutoff)])
    }

    func deleteEndedSessions(before cutoff: Instant) throws(StoreError) -> Int {
      try run("DELETE FROM sessions WHERE \(Self.endedBefore)", [PGTime.text(cutoff)])
    }

    func deleteEndedSessions(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
      try run(
        """
        DELETE FROM sessions WHERE seq IN (
          SELECT seq FROM sessions WHERE \(Self.endedBefore) LIMIT $2)
        """, [PGTime.text(cutoff), limit.bound])
    }

    func sessions(userID: String) throws(StoreError) -> [Session] {
      try all(
        "SELECT \(Self.sessionColumns) FROM sessions WHERE user_id = $1 ORDER BY created_at, seq",
        [userID], Self.session)
    }

    @discardableResult
    func revokeSession(id: String, at: Instant, reason: String) throws(StoreError) -> Bool {
      try revoke(where: "id", id, at: at, reason: reason) == 1
    }

    @discardableResult
    func revokeAllSessions(at: Instant, reason: String) throws(StoreError) -> Int {
      try run(
        "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE revoked_at IS NULL",
        [PGTime.text(at), reason])
    }

    @discardableResult
    func revokeSessions(userID: String, at: Instant, reason: String) throws(StoreError) -> Int {
      try revoke(where: "user_id", userID, at: at, reason: reason)
    }

    private func revoke(where column: String, _ key: String, at: Instant, reason: String)
      throws(StoreError) -> Int
    {
      try run(
        """
        UPDATE sessions SET revoked_at = $2, revoked_reason = $3
        WHERE \(column) = $1 AND revoked_at IS NULL
        """, [key, PGTime.text(at), reason])
    }

    func liveSessionCount(userID: String, now: Instant) throws(StoreError) -> Int {
      try integer(
        """
        SELECT count(*) FROM sessions
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
        """, [userID, PGTime.text(now)])
    }
  }
#endif

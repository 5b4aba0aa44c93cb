#if PostgreSQL
  /// The outbox: the `outbox` table.
  extension PostgresTransaction {
    static let outboxColumns = """
      id, user_id, kind, recipient, subject, body, message_id, status, attempts, last_error, \
      created_at, next_attempt_at, channel
      """

    static func item(_ r: PGResult, _ i: Int) -> OutboxItem {
      OutboxItem(
        id: r.int(i, 0), userID: r.optionalText(i, 1), kind: r.text(i, 2),
        channel: NotificationChannel(rawValue: r.text(i, 12)) ?? .mail,
        recipient: r.text(i, 3), subject: r.text(i, 4), body: r.optionalText(i, 5),
        messageID: r.text(i, 6), status: r.text(i, 7), attempts: Int(r.int(i, 8)),
        lastError: r.optionalText(i, 9), createdAt: r.instant(i, 10),
        nextAttemptAt: r.instant(i, 11))
    }

    func enqueueMessage(
      userID: String?, kind: String, channel: NotificationChannel, recipient: String,
      subject: String, body: String, messageID: String, now: Instant
    ) throws(StoreError) -> Int64 {
      try first(
        """
        INSERT INTO outbox (user_id, kind, recipient, recipient_key, subject, body, message_id,
          created_at, next_attempt_at, channel)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id
        """,
        [
          userID, kind, recipient, RecipientKey.of(recipient, channel: channel), subject, body,
          messageID, PGTime.text(now), channel.rawValue,
        ]
      ) { r, i in r.int(i, 0) } ?? 0
    }

    func outboxItem(id: Int64) throws(StoreError) -> OutboxItem? {
      try first(
        "SELECT \(Self.outboxColumns) FROM outbox WHERE id = $1", [id.bound], Self.item)
    }

    func dueMessages(now: Instant, all: Bool, channel: NotificationChannel?) throws(StoreError)
      -> [OutboxItem]
    {
      try self.all(
        """
        SELECT \(Self.outboxColumns) FROM outbox
        WHERE status = 'queued' AND ($2::boolean OR next_attempt_at <= $1)
          AND ($3::text IS NULL OR channel = $3) ORDER BY id
        """, [PGTime.text(now), all ? "true" : "false", channel?.rawValue], Self.item)
    }

    func pendingMessages() throws(StoreError) -> [OutboxItem] {
      try all(
        "SELECT \(Self.outboxColumns) FROM outbox WHERE status IN ('queued', 'failed') ORDER BY id",
        [], Self.item)
    }

    func deferredMessages(now: Instant) throws(StoreError) -> (count: Int, nextDue: Instant?) {
      try first(
        """
        SELECT count(*), min(next_attempt_at) FROM outbox
        WHERE status = 'queued' AND next_attempt_at > $1
        """, [PGTime.text(now)]
      ) { r, i in (Int(r.int(i, 0)), r.optionalInstant(i, 1)) } ?? (0, nil)
    }

    func messageCount(channel: NotificationChannel, recipient: String, since: Instant)
      throws(StoreError) -> Int
    {
      try integer(
        "SELECT count(*) FROM outbox WHERE recipient_key = $1 AND created_at >= $2",
        [RecipientKey.of(recipient, channel: channel), PGTime.text(since)])
    }

    func markSent(id: Int64, at: Instant) throws(StoreError) {
      try run(
        """
        UPDATE outbox SET status = 'sent', body = NULL, sent_at = $2, attempts = attempts + 1,
          last_error = NULL WHERE id = $1
        """, [id.bound, PGTime.text(at)])
    }

    func markSuppressed(id: Int64, at: Instant) throws(StoreError) {
      try run(
        "UPDATE outbox SET status = 'suppressed', body = NULL, sent_at = $2 WHERE id = $1",
        [id.bound, PGTime.text(at)])
    }

    func markDeferred(id: Int64, error: String, next: Instant) throws(StoreError) {
      try run(
        """
        UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
        WHERE id = $1
        """, [id.bound, error, PGTime.text(next)])
    }

    func markFailed(id: Int64, error: String) throws(StoreError) {
      try run(
        """
        UPDATE outbox SET status = 'failed', body = NULL, attempts = attempts + 1,
          last_error = $2 WHERE id = $1
        """, [id.bound, error])
    }

    static let finishedBefore = "status IN ('sent', 'suppressed', 'failed') AND created_at < $1"

    func finishedMessageCount(before cutoff: Instant) throws(StoreError) -> Int {
      try integer(
        "SELECT count(*) FROM outbox WHERE \(Self.finishedBefore)", [PGTime.text(cutoff)])
    }

    /// The oldest first by id (ids grow with time), a batch at a time.
    func deleteFinishedMessages(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
      try run(
        """
        DELETE FROM outbox WHERE id IN (
          SELECT id FROM outbox WHERE \(Self.finishedBefore) ORDER BY id LIMIT $2)
        """, [PGTime.text(cutoff), limit.bound])
    }

    /// Over the `outbox_due (status, next_attempt_at)` index.
    func outboxSummary(now: Instant) throws(StoreError) -> OutboxSummary {
      let r = try db.query(
        """
        SELECT count(*) FILTER (WHERE status = 'queued'),
          count(*) FILTER (WHERE status = 'queued' AND next_attempt_at > $1),
          min(created_at) FILTER (WHERE status = 'queued'),
          count(*) FILTER (WHERE status = 'failed')
        FROM outbox WHERE status IN ('queued', 'failed')
        """, [PGTime.text(now)])
      let waiting = Int(r.int(0, 0))
      let deferred = Int(r.int(0, 1))
      return OutboxSummary(
        due: waiting - deferred, deferred: deferred, failed: Int(r.int(0, 3)),
        oldestWaitingAt: r.optionalInstant(0, 2))
    }

    static let ofPerson = #"user_id = $1 OR lower(recipient COLLATE "C") = lower($2 COLLATE "C")"#

    func messageHistory(userID: String, recipient: String) throws(StoreError) -> [OutboxItem] {
      try all(
        """
        SELECT id, user_id, kind, recipient, subject, NULL, message_id, status, attempts,
          last_error, created_at, next_attempt_at, channel
        FROM outbox WHERE \(Self.ofPerson) ORDER BY id
        """, [userID, recipient], Self.item)
    }

    func deleteMessages(userID: String, recipient: String) throws(StoreError) -> Int {
      try run("DELETE FROM outbox WHERE \(Self.ofPerson)", [userID, recipient])
    }
  }
#endif

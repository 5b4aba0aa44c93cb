/// The outbox: the `outbox` table.
extension SQLiteTransaction {
  static let outboxColumns = """
    id, user_id, kind, recipient, subject, body, message_id, status, attempts, last_error, \
    created_at, next_attempt_at, channel
    """

  static func item(_ s: Statement) -> OutboxItem {
    OutboxItem(
      id: s.int(0), userID: s.optionalText(1), kind: s.text(2),
      channel: NotificationChannel(rawValue: s.text(12)) ?? .mail, recipient: s.text(3),
      subject: s.text(4), body: s.optionalText(5), messageID: s.text(6), status: s.text(7),
      attempts: Int(s.int(8)), lastError: s.optionalText(9), createdAt: s.instant(10),
      nextAttemptAt: s.instant(11))
  }

  func enqueueMessage(
    userID: String?, kind: String, channel: NotificationChannel, recipient: String,
    subject: String, body: String, messageID: String, now: Instant
  ) throws(StoreError) -> Int64 {
    try run(
      """
      INSERT INTO outbox (user_id, kind, recipient, recipient_key, subject, body, message_id,
        created_at, next_attempt_at, channel)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
      """,
      [
        .optional(userID), .text(kind), .text(recipient),
        .text(RecipientKey.of(recipient, channel: channel)), .text(subject), .text(body),
        .text(messageID), StoredTime.value(now), .text(channel.rawValue),
      ])
    return lastInsertID
  }

  func outboxItem(id: Int64) throws(StoreError) -> OutboxItem? {
    try first("SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?1", [.integer(id)], Self.item)
  }

  func dueMessages(now: Instant, all: Bool, channel: NotificationChannel?) throws(StoreError)
    -> [OutboxItem]
  {
    try self.all(
      """
      SELECT \(Self.outboxColumns) FROM outbox
      WHERE status = 'queued' AND (?2 OR next_attempt_at <= ?1) AND (?3 IS NULL OR channel = ?3)
      ORDER BY id
      """, [StoredTime.value(now), .integer(all ? 1 : 0), .optional(channel?.rawValue)],
      Self.item)
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
      WHERE status = 'queued' AND next_attempt_at > ?1
      """,
      [StoredTime.value(now)]
    ) { (Int($0.int(0)), $0.optionalInstant(1)) } ?? (0, nil)
  }

  func messageCount(channel: NotificationChannel, recipient: String, since: Instant)
    throws(StoreError) -> Int
  {
    try first(
      SQLiteStore.floodCountSQL,
      [.text(RecipientKey.of(recipient, channel: channel)), StoredTime.value(since)]
    ) {
      Int($0.int(0))
    } ?? 0
  }

  static let finishedBefore = "status IN ('sent', 'suppressed', 'failed') AND created_at < ?1"

  func finishedMessageCount(before cutoff: Instant) throws(StoreError) -> Int {
    try first(
      "SELECT count(*) FROM outbox WHERE \(Self.finishedBefore)", [StoredTime.value(cutoff)]
    ) {
      Int($0.int(0))
    } ?? 0
  }

  /// The oldest first by id (ids grow with time), a batch at a time.
  func deleteFinishedMessages(before cutoff: Instant, limit: Int) throws(StoreError) -> Int {
    try run(
      """
      DELETE FROM outbox WHERE id IN (
        SELECT id FROM outbox WHERE \(Self.finishedBefore) ORDER BY id LIMIT ?2)
      """, [StoredTime.value(cutoff), .integer(Int64(limit))])
  }

  /// The counts of `outboxSummary`, over the `outbox_due (status, next_attempt_at)` index
  /// (named for their query-plan test).
  static let outboxSummarySQL = (
    waiting: """
    SELECT count(*), coalesce(sum(next_attempt_at > ?1), 0), min(created_at)
    FROM outbox WHERE status = 'queued'
    """,
    failed: "SELECT count(*) FROM outbox WHERE status = 'failed'"
  )

  func outboxSummary(now: Instant) throws(StoreError) -> OutboxSummary {
    let waiting =
      try first(Self.outboxSummarySQL.waiting, [StoredTime.value(now)]) {
        (Int($0.int(0)), Int($0.int(1)), $0.optionalInstant(2))
      } ?? (0, 0, nil)
    let failed = try first(Self.outboxSummarySQL.failed) { Int($0.int(0)) } ?? 0
    return OutboxSummary(
      due: waiting.0 - waiting.1, deferred: waiting.1, failed: failed, oldestWaitingAt: waiting.2)
  }

  static let ofPerson = "user_id = ?1 OR recipient = ?2 COLLATE NOCASE"

  func messageHistory(userID: String, recipient: String) throws(StoreError) -> [OutboxItem] {
    try all(
      """
      SELECT id, user_id, kind, recipient, subject, NULL, message_id, status, attempts,
        last_error, created_at, next_attempt_at, channel
      FROM outbox WHERE \(Self.ofPerson) ORDER BY id
      """, [.text(userID), .text(recipient)], Self.item)
  }

  func deleteMessages(userID: String, recipient: String) throws(StoreError) -> Int {
    try run("DELETE FROM outbox WHERE \(Self.ofPerson)", [.text(userID), .text(recipient)])
  }

  func markSent(id: Int64, at: Instant) throws(StoreError) {
    try run(
      """
      UPDATE outbox SET status = 'sent', body = NULL, sent_at = ?2, attempts = attempts + 1,
        last_error = NULL WHERE id = ?1
      """, [.integer(id), StoredTime.value(at)])
  }

  func markSuppressed(id: Int64, at: Instant) throws(StoreError) {
    try run(
      "UPDATE outbox SET status = 'suppressed', body = NULL, sent_at = ?2 WHERE id = ?1",
      [.integer(id), StoredTime.value(at)])
  }

  func markDeferred(id: Int64, error: String, next: Instant) throws(StoreError) {
    try run(
      """
      UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
      WHERE id = ?1
      """, [.integer(id), .text(error), StoredTime.value(next)])
  }

  func markFailed(id: Int64, error: String) throws(StoreError) {
    try run(
      """
      UPDATE outbox SET status = 'failed', body = NULL, attempts = attempts + 1, last_error = ?2
      WHERE id = ?1
      """, [.integer(id), .text(error)])
  }
}

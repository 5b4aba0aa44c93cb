/// A message waiting in, or recorded by, the outbox.
public struct OutboxItem: Sendable, Equatable {
  public var id: Int64
  public var userID: String?
  public var kind: String
  public var recipient: String
  public var subject: String
  /// The text; nil once delivered, suppressed or failed for good (it may hold a password, a
  /// token or a code).
  public var body: String?
  public var messageID: String
  public var status: String
  public var attempts: Int
  public var lastError: String?
  public var createdAt: String
  public var nextAttemptAt: String
}

/// The `outbox` table (issue 4): messages are written in the transaction of the change that
/// causes them and delivered after the commit. Callers hold the transaction.
public enum OutboxStore {
  static let columns = """
    id, user_id, kind, recipient, subject, body, message_id, status, attempts, last_error, \
    created_at, next_attempt_at
    """

  static func item(_ s: Statement) -> OutboxItem {
    OutboxItem(
      id: s.int(0), userID: s.optionalText(1), kind: s.text(2), recipient: s.text(3),
      subject: s.text(4), body: s.optionalText(5), messageID: s.text(6), status: s.text(7),
      attempts: Int(s.int(8)), lastError: s.optionalText(9), createdAt: s.text(10),
      nextAttemptAt: s.text(11))
  }

  /// Queues a message, due at once, with its recipient's flood-guard key
  /// (`RecipientKey`); returns its row id.
  public static func enqueue(
    _ db: Connection, userID: String?, kind: String, recipient: String, subject: String,
    body: String, messageID: String, now: String
  ) throws(StoreError) -> Int64 {
    try db.run(
      """
      INSERT INTO outbox (user_id, kind, recipient, recipient_key, subject, body, message_id,
        created_at, next_attempt_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
      """,
      [
        .optional(userID), .text(kind), .text(recipient), .text(RecipientKey.of(recipient)),
        .text(subject), .text(body), .text(messageID), .text(now),
      ])
    return try db.first("SELECT last_insert_rowid()") { $0.int(0) } ?? 0
  }

  public static func find(_ db: Connection, id: Int64) throws(StoreError) -> OutboxItem? {
    try db.first("SELECT \(columns) FROM outbox WHERE id = ?1", [.integer(id)], item)
  }

  /// Queued messages due at `now` (every queued one with `all`), oldest first.
  public static func due(_ db: Connection, now: String, all: Bool, ids: [Int64]? = nil)
    throws(StoreError) -> [OutboxItem]
  {
    if let ids {
      var items: [OutboxItem] = []
      for id in ids {
        if let i = try find(db, id: id), i.status == "queued" { items.append(i) }
      }
      return items
    }
    return try db.all(
      """
      SELECT \(columns) FROM outbox
      WHERE status = 'queued' AND (?2 OR next_attempt_at <= ?1) ORDER BY id
      """, [.text(now), .integer(all ? 1 : 0)], item)
  }

  /// Queued and failed messages, for `mail queue`.
  public static func pending(_ db: Connection) throws(StoreError) -> [OutboxItem] {
    try db.all(
      "SELECT \(columns) FROM outbox WHERE status IN ('queued', 'failed') ORDER BY id", [], item)
  }

  /// Queued messages still deferred (not due) at `now`, and when the first of them is due.
  public static func deferred(_ db: Connection, now: String) throws(StoreError)
    -> (count: Int, nextDue: String?)
  {
    try db.first(
      """
      SELECT count(*), min(next_attempt_at) FROM outbox
      WHERE status = 'queued' AND next_attempt_at > ?1
      """,
      [.text(now)]
    ) { (Int($0.int(0)), $0.optionalText(1)) } ?? (0, nil)
  }

  /// Marks a message delivered and forgets its body.
  public static func markSent(_ db: Connection, id: Int64, at: String) throws(StoreError) {
    try db.run(
      """
      UPDATE outbox SET status = 'sent', body = NULL, sent_at = ?2, attempts = attempts + 1,
        last_error = NULL WHERE id = ?1
      """, [.integer(id), .text(at)])
  }

  /// Marks a message suppressed (`MAIL_SUPPRESS_SEND`) and forgets its body.
  public static func markSuppressed(_ db: Connection, id: Int64, at: String) throws(StoreError) {
    try db.run(
      "UPDATE outbox SET status = 'suppressed', body = NULL, sent_at = ?2 WHERE id = ?1",
      [.integer(id), .text(at)])
  }

  /// A temporary failure: stays queued, next attempt at `next`.
  public static func markDeferred(_ db: Connection, id: Int64, error: String, next: String)
    throws(StoreError)
  {
    try db.run(
      """
      UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
      WHERE id = ?1
      """, [.integer(id), .text(error), .text(next)])
  }

  /// A permanent failure (5xx, or the last attempt): kept with its recipient, subject and the
  /// server's reply for `mail queue`, and its body forgotten, since it will never be sent and
  /// may hold a password, a token or a code (issue 11, property 10).
  public static func markFailed(_ db: Connection, id: Int64, error: String) throws(StoreError) {
    try db.run(
      """
      UPDATE outbox SET status = 'failed', body = NULL, attempts = attempts + 1, last_error = ?2
      WHERE id = ?1
      """, [.integer(id), .text(error)])
  }

  /// The flood guard's count: a range of the `outbox_recipient_key` index, so it stays cheap
  /// however large the outbox grows (it runs at every enqueue).
  static let floodCountSQL =
    "SELECT count(*) FROM outbox WHERE recipient_key = ?1 AND created_at >= ?2"

  /// Messages to the mailbox of `recipient` (its `RecipientKey`) queued since `since`, for
  /// the flood guard.
  public static func countSince(_ db: Connection, recipient: String, since: String)
    throws(StoreError) -> Int
  {
    try db.first(floodCountSQL, [.text(RecipientKey.of(recipient)), .text(since)]) {
      Int($0.int(0))
    } ?? 0
  }

  /// Attempts a message gets: a temporary failure at the last one fails it for good. With the
  /// backoff below they span about 21 hours (1 + 5 + 15 min + 1 h + 5 × 4 h), as a mail
  /// server's queue lifetime bounds its retries (Postfix's `maximal_queue_lifetime`).
  public static let maxAttempts = 10

  /// The wait before attempt `attempts + 1`: 1 min, 5 min, 15 min, 1 h, then 4 h.
  public static func backoff(afterAttempts attempts: Int) -> Int64 {
    let steps: [Int64] = [60, 300, 900, 3600]
    return attempts - 1 < steps.count ? steps[max(0, attempts - 1)] : 14_400
  }
}

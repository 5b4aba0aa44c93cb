/// The outbox (issue 4): messages queued in the transaction of the change that causes them,
/// delivered after the commit, each marked in its own small transaction.
public protocol OutboxRecords {
  /// Queues a message to `recipient` on `channel`, due at once, with its flood-guard key
  /// (`RecipientKey.of(_:channel:)`); returns its id.
  func enqueueMessage(
    userID: String?, kind: String, channel: NotificationChannel, recipient: String,
    subject: String, body: String, messageID: String, now: Instant
  ) throws(StoreError) -> Int64
  func outboxItem(id: Int64) throws(StoreError) -> OutboxItem?
  /// Queued messages due at `now` (every queued one with `all`), oldest first; only those of
  /// `channel` when given.
  func dueMessages(now: Instant, all: Bool, channel: NotificationChannel?) throws(StoreError)
    -> [OutboxItem]
  /// Queued and failed messages, for `mail queue`.
  func pendingMessages() throws(StoreError) -> [OutboxItem]
  /// Queued messages still deferred (not due) at `now`, and when the first of them is due.
  func deferredMessages(now: Instant) throws(StoreError) -> (count: Int, nextDue: Instant?)
  /// Messages to `recipient` on `channel` (for mail: its mailbox, `RecipientKey`) queued since
  /// `since`, for the flood guard; cheap however large the outbox grows (it runs at every
  /// enqueue).
  func messageCount(channel: NotificationChannel, recipient: String, since: Instant)
    throws(StoreError) -> Int
  /// Delivered: the body is forgotten.
  func markSent(id: Int64, at: Instant) throws(StoreError)
  /// Suppressed (`MAIL_SUPPRESS_SEND`): the body is forgotten.
  func markSuppressed(id: Int64, at: Instant) throws(StoreError)
  /// A temporary failure: stays queued, next attempt at `next`.
  func markDeferred(id: Int64, error: String, next: Instant) throws(StoreError)
  /// A permanent failure (5xx, or the last attempt): kept with its recipient, subject and the
  /// server's reply, its body forgotten (it will never be sent).
  func markFailed(id: Int64, error: String) throws(StoreError)
}

extension OutboxRecords {
  /// Queued mail due at `now` (every queued one with `all`), of every channel.
  public func dueMessages(now: Instant, all: Bool) throws(StoreError) -> [OutboxItem] {
    try dueMessages(now: now, all: all, channel: nil)
  }
}

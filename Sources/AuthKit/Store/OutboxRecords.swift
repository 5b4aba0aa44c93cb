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
  /// Sent, suppressed and failed messages queued before `cutoff` (what a prune removes).
  func finishedMessageCount(before cutoff: Instant) throws(StoreError) -> Int
  /// Deletes at most `limit` of the oldest sent, suppressed and failed messages queued before
  /// `cutoff`; queued ones stay whatever their age. Returns how many.
  func deleteFinishedMessages(before cutoff: Instant, limit: Int) throws(StoreError) -> Int
  /// Messages waiting (due and deferred at `now`), failed, and when the oldest waiting one was
  /// queued.
  func outboxSummary(now: Instant) throws(StoreError) -> OutboxSummary
  /// The messages of the account `userID` or to `recipient` (without case), oldest first,
  /// without their bodies: what an access request is told.
  func messageHistory(userID: String, recipient: String) throws(StoreError) -> [OutboxItem]
  /// Erasure: deletes every message of the account `userID` or to `recipient` (without case);
  /// returns how many.
  func deleteMessages(userID: String, recipient: String) throws(StoreError) -> Int
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

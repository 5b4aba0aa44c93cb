/// A message waiting in, or recorded by, the outbox (issue 4): written in the transaction of
/// the change that causes it and delivered after the commit.
public struct OutboxItem: Sendable, Equatable {
  public var id: Int64
  public var userID: String?
  public var kind: String
  /// The channel it goes out on; `recipient` is an address on it (an email for mail).
  public var channel: NotificationChannel
  public var recipient: String
  public var subject: String
  /// The text; nil once delivered, suppressed or failed for good (it may hold a password, a
  /// token or a code).
  public var body: String?
  public var messageID: String
  public var status: String
  public var attempts: Int
  public var lastError: String?
  public var createdAt: Instant
  public var nextAttemptAt: Instant

  public init(
    id: Int64, userID: String?, kind: String, channel: NotificationChannel = .mail,
    recipient: String, subject: String, body: String?,
    messageID: String, status: String, attempts: Int, lastError: String?, createdAt: Instant,
    nextAttemptAt: Instant
  ) {
    self.id = id
    self.userID = userID
    self.kind = kind
    self.channel = channel
    self.recipient = recipient
    self.subject = subject
    self.body = body
    self.messageID = messageID
    self.status = status
    self.attempts = attempts
    self.lastError = lastError
    self.createdAt = createdAt
    self.nextAttemptAt = nextAttemptAt
  }
}

/// An account's link to a Telegram chat (`telegram_links`): where its codes and notices go.
public struct TelegramLink: Sendable, Equatable {
  public var userID: String
  /// The private chat with the bot (the person's Telegram user id).
  public var chatID: Int64
  public var linkedAt: Instant
  /// Codes go to Telegram (the mail says only that one was sent); off: codes stay in mail.
  public var prefer: Bool

  public init(userID: String, chatID: Int64, linkedAt: Instant, prefer: Bool) {
    self.userID = userID
    self.chatID = chatID
    self.linkedAt = linkedAt
    self.prefer = prefer
  }
}

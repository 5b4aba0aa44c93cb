/// One incoming update of `getUpdates` (https://core.telegram.org/bots/api#update), reduced to
/// what linking needs: its id, and for a message, the chat it came from and its text.
public struct TelegramUpdate: Sendable, Equatable {
  public var updateID: Int64
  /// The chat of a message update (a private chat's id is the person's user id).
  public var chatID: Int64?
  /// The message's text, when it has one.
  public var text: String?

  public init(updateID: Int64, chatID: Int64?, text: String?) {
    self.updateID = updateID
    self.chatID = chatID
    self.text = text
  }

  /// The parameter of a `/start PARAMETER` message (a deep link's `start=`,
  /// https://core.telegram.org/bots/features#deep-linking); nil for any other text. The
  /// command may name the bot (`/start@name_bot`).
  public var startParameter: String? {
    guard let text else { return nil }
    let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    guard let command = parts.first,
      command == "/start" || command.hasPrefix("/start@")
    else { return nil }
    return parts.count == 2 ? String(parts[1]).trimmingASCIIWhitespace() : ""
  }
}

/// What the Telegram flows ask of the bot (`TelegramBotAPI` over HTTPS; a scripted one in the
/// flow tests): its name for the link, and the updates sent to it.
public protocol TelegramBot: Sendable {
  /// The bot's numeric id (the token's part before `:`), which tells a changed bot apart.
  var botID: String { get }
  /// The bot's username, without `@` (`getMe`).
  func username() throws(TelegramError) -> String
  /// Updates from `offset` on (`getUpdates`), oldest first.
  func updates(offset: Int64?, limit: Int) throws(TelegramError) -> [TelegramUpdate]
}

extension TelegramBotAPI: TelegramBot {}

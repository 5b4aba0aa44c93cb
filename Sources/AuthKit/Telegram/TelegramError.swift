/// What can go wrong with a Bot API call. Messages never hold the bot's token (it is part of
/// every request's path: `TelegramBotAPI` scrubs it from whatever text reaches here).
public enum TelegramError: Error, Sendable, Equatable {
  /// `TELEGRAM_BOT_TOKEN` is unset.
  case notConfigured
  /// The token is not `<digits>:<letters, digits, _ or ->` (BotFather's form).
  case badToken
  /// Trying again later may succeed: 429 (with the wait the server asked for, `retry_after`),
  /// a 5xx, a network or TLS failure, or a token the server does not know (401/404: the
  /// operator's fix, not the message's fault).
  case temporary(String, retryAfter: Duration?)
  /// The server refused the request for good: 400 (chat not found, a bad request), 403 (the
  /// person blocked the bot).
  case refused(String)

  public var message: String {
    switch self {
    case .notConfigured:
      return "TELEGRAM_BOT_TOKEN is not set: Telegram is not configured"
    case .badToken:
      return "TELEGRAM_BOT_TOKEN is not a bot token from @BotFather (digits, ':', then the key)"
    case .temporary(let text, let after):
      return after.map { "\(text) (retry after \($0.wholeSeconds)s)" } ?? text
    case .refused(let text): return text
    }
  }

  /// True when the call may succeed later.
  public var isTemporary: Bool {
    if case .temporary = self { return true }
    return false
  }
}

/// The Telegram channel's notifier (issue 15): each queued message goes to its chat (the
/// outbox row's recipient, a chat id) with the Bot API's `sendMessage`, as plain text — the
/// subject, a blank line, the text.
///
/// Each message is marked right after Telegram's answer (`DeliveryRecorder`), so a kill in
/// between may send it twice, never lose it. A 429 defers it until the `retry_after` the server
/// asked for (and the outbox's backoff, whichever is later); a 5xx, a network or TLS failure,
/// or a token the server does not know defers it with the backoff. After a temporary failure
/// the rest of the batch is left untried (still due), as a broken SMTP connection leaves it: the
/// next run tries again. 400 and 403 (chat not found, bot blocked) fail the message for good.
public final class TelegramNotifier: Notifier {
  public let channel = NotificationChannel.telegram
  let api: TelegramBotAPI

  public init(api: TelegramBotAPI) { self.api = api }

  public var destination: String { "Telegram (\(api.base.hostHeader))" }

  /// The most text a message takes (https://core.telegram.org/bots/api#sendmessage: 4096
  /// characters).
  static let maxText = 4096

  /// A chat id is a whole number (negative for groups); the text fits in one message.
  public func admit(_ notice: Notice, to address: String) throws -> String {
    guard Int64(address) != nil else {
      throw FlowError.internalError("'\(address)' is not a Telegram chat id")
    }
    guard Self.render(subject: notice.subject, text: notice.text).count <= Self.maxText else {
      throw FlowError.internalError("a notification longer than a Telegram message")
    }
    return Hex.encode(try Random.bytes(16))
  }

  /// The message's text: the subject, a blank line, the text.
  static func render(subject: String, text: String) -> String {
    subject.isEmpty ? text : "\(subject)\n\n\(text)"
  }

  public func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws {
    for (n, item) in batch.enumerated() {
      guard let chat = Int64(item.recipient) else {
        try outcomes.record(item, .failed(reason: "'\(item.recipient)' is not a Telegram chat id"))
        continue
      }
      let sent: TelegramError?
      do throws(TelegramError) {
        try api.sendMessage(
          chatID: chat, text: Self.render(subject: item.subject, text: item.body ?? ""))
        sent = nil
      } catch {
        sent = error
      }
      switch sent {
      case nil:
        try outcomes.record(item, .sent)
      case .temporary(let reason, let retryAfter)?:
        try outcomes.record(item, .deferred(reason: reason, retryAfter: retryAfter))
        for rest in batch[(n + 1)...] { try outcomes.record(rest, .untried) }
        return
      case .refused(let reason)?:
        try outcomes.record(item, .failed(reason: reason))
      case let other?:
        try outcomes.record(item, .deferred(reason: other.message, retryAfter: nil))
      }
    }
  }
}

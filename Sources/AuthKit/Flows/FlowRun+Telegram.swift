/// Telegram beside mail (issue 15): a flow adds the Telegram item next to its mail item.
extension FlowRun {
  /// The account's Telegram link, when Telegram is configured (`TELEGRAM_BOT_TOKEN`) and the
  /// account is linked.
  public func telegramLink(_ tx: any StoreTransaction, _ a: Account) throws -> TelegramLink? {
    guard ctx.settings.telegramBotToken != nil else { return nil }
    return try tx.telegramLink(userID: a.id)
  }

  /// The chat the account's codes go to: linked and preferring Telegram; nil for mail.
  public func codeChat(_ tx: any StoreTransaction, _ a: Account) throws -> Int64? {
    guard let link = try telegramLink(tx, a), link.prefer else { return nil }
    return link.chatID
  }

  /// Queues `notice` to the account's Telegram chat (`chat`, else its link's), when it has
  /// one. `optional`: a notice the change does not depend on (a new login, a link's answer)
  /// is dropped, not the change refused, when the flood guard counts too many.
  public func queueTelegram(
    _ tx: any StoreTransaction, _ kind: String, to a: Account, chat: Int64? = nil,
    _ notice: Notice, optional: Bool = false
  ) throws {
    guard let chat = try chat ?? telegramLink(tx, a)?.chatID else { return }
    do {
      try queue(tx, kind, to: a, via: .telegram, at: String(chat), notice)
    } catch let error as MailError {
      guard optional, case .floodGuard = error else { throw error }
      try note(
        tx, "telegram.dropped", a, ok: false, reason: error.message, detail: kind)
    }
  }
}

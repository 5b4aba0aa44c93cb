/// Telegram links and their nonces (issue 15): `telegram_links`, `telegram_nonces`.
public protocol TelegramRecords {
  /// Adds a link nonce for its account, first removing every other nonce of that account (a
  /// new link makes the older ones worthless).
  func insertTelegramNonce(_ nonce: TelegramNonce) throws(StoreError)
  /// The nonce row with this selector, if any.
  func telegramNonce(selector: String) throws(StoreError) -> TelegramNonce?
  /// Marks the nonce used; false when it was used already (or is gone).
  @discardableResult
  func markTelegramNonceUsed(selector: String, at: Instant) throws(StoreError) -> Bool
  /// The account's link, if any.
  func telegramLink(userID: String) throws(StoreError) -> TelegramLink?
  /// Adds or replaces the account's link.
  func setTelegramLink(_ link: TelegramLink) throws(StoreError)
  /// Removes the account's link and its nonces; false when it had no link.
  @discardableResult
  func deleteTelegramLink(userID: String) throws(StoreError) -> Bool
}

/// Telegram links and their nonces: the `telegram_links` and `telegram_nonces` tables.
extension SQLiteTransaction {
  func insertTelegramNonce(_ nonce: TelegramNonce) throws(StoreError) {
    try run("DELETE FROM telegram_nonces WHERE user_id = ?1", [.text(nonce.userID)])
    try run(
      """
      INSERT INTO telegram_nonces (selector, user_id, nonce_hash, created_at, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      """,
      [
        .text(nonce.selector), .text(nonce.userID), .text(nonce.nonceHash),
        StoredTime.value(nonce.createdAt), StoredTime.value(nonce.expiresAt),
      ])
  }

  func telegramNonce(selector: String) throws(StoreError) -> TelegramNonce? {
    try first(
      """
      SELECT selector, user_id, nonce_hash, created_at, expires_at, used_at
      FROM telegram_nonces WHERE selector = ?1
      """, [.text(selector)]
    ) {
      TelegramNonce(
        selector: $0.text(0), userID: $0.text(1), nonceHash: $0.text(2), createdAt: $0.instant(3),
        expiresAt: $0.instant(4), usedAt: $0.optionalInstant(5))
    }
  }

  @discardableResult
  func markTelegramNonceUsed(selector: String, at: Instant) throws(StoreError) -> Bool {
    try run(
      "UPDATE telegram_nonces SET used_at = ?2 WHERE selector = ?1 AND used_at IS NULL",
      [.text(selector), StoredTime.value(at)]) == 1
  }

  func telegramLink(userID: String) throws(StoreError) -> TelegramLink? {
    try first(
      "SELECT user_id, chat_id, linked_at, prefer FROM telegram_links WHERE user_id = ?1",
      [.text(userID)]
    ) {
      TelegramLink(
        userID: $0.text(0), chatID: $0.int(1), linkedAt: $0.instant(2), prefer: $0.int(3) != 0)
    }
  }

  func setTelegramLink(_ link: TelegramLink) throws(StoreError) {
    try run(
      """
      INSERT INTO telegram_links (user_id, chat_id, linked_at, prefer) VALUES (?1, ?2, ?3, ?4)
      ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,
        linked_at = excluded.linked_at, prefer = excluded.prefer
      """,
      [
        .text(link.userID), .integer(link.chatID), StoredTime.value(link.linkedAt),
        .integer(link.prefer ? 1 : 0),
      ])
  }

  @discardableResult
  func deleteTelegramLink(userID: String) throws(StoreError) -> Bool {
    try run("DELETE FROM telegram_nonces WHERE user_id = ?1", [.text(userID)])
    return try run("DELETE FROM telegram_links WHERE user_id = ?1", [.text(userID)]) == 1
  }
}

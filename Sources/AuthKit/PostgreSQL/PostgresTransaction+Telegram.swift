#if PostgreSQL
  /// Telegram links and their nonces: the `telegram_links` and `telegram_nonces` tables.
  extension PostgresTransaction {
    func insertTelegramNonce(_ nonce: TelegramNonce) throws(StoreError) {
      try run("DELETE FROM telegram_nonces WHERE user_id = $1", [nonce.userID])
      try run(
        """
        INSERT INTO telegram_nonces (selector, user_id, nonce_hash, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5)
        """,
        [
          nonce.selector, nonce.userID, nonce.nonceHash, PGTime.text(nonce.createdAt),
          PGTime.text(nonce.expiresAt),
        ])
    }

    func telegramNonce(selector: String) throws(StoreError) -> TelegramNonce? {
      try first(
        """
        SELECT selector, user_id, nonce_hash, created_at, expires_at, used_at
        FROM telegram_nonces WHERE selector = $1
        """, [selector]
      ) { r, i in
        TelegramNonce(
          selector: r.text(i, 0), userID: r.text(i, 1), nonceHash: r.text(i, 2),
          createdAt: r.instant(i, 3), expiresAt: r.instant(i, 4), usedAt: r.optionalInstant(i, 5))
      }
    }

    @discardableResult
    func markTelegramNonceUsed(selector: String, at: Instant) throws(StoreError) -> Bool {
      try run(
        "UPDATE telegram_nonces SET used_at = $2 WHERE selector = $1 AND used_at IS NULL",
        [selector, PGTime.text(at)]) == 1
    }

    func telegramLink(userID: String) throws(StoreError) -> TelegramLink? {
      try first(
        "SELECT user_id, chat_id, linked_at, prefer FROM telegram_links WHERE user_id = $1",
        [userID]
      ) { r, i in
        TelegramLink(
          userID: r.text(i, 0), chatID: r.int(i, 1), linkedAt: r.instant(i, 2),
          prefer: r.int(i, 3) != 0)
      }
    }

    func setTelegramLink(_ link: TelegramLink) throws(StoreError) {
      try run(
        """
        INSERT INTO telegram_links (user_id, chat_id, linked_at, prefer) VALUES ($1, $2, $3, $4)
        ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id,
          linked_at = excluded.linked_at, prefer = excluded.prefer
        """,
        [link.userID, link.chatID.bound, PGTime.text(link.linkedAt), link.prefer.bound])
    }

    @discardableResult
    func deleteTelegramLink(userID: String) throws(StoreError) -> Bool {
      try run("DELETE FROM telegram_nonces WHERE user_id = $1", [userID])
      return try run("DELETE FROM telegram_links WHERE user_id = $1", [userID]) == 1
    }
  }
#endif

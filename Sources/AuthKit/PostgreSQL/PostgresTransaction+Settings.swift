#if PostgreSQL
  /// The store's own settings: the `settings` table.
  extension PostgresTransaction {
    func setting(_ key: StoredSetting) throws(StoreError) -> String? {
      try first("SELECT value FROM settings WHERE key = $1", [key.rawValue]) { r, i in
        r.text(i, 0)
      }
    }

    func setSetting(_ key: StoredSetting, to value: String, at: Instant) throws(StoreError) {
      try run(
        """
        INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
        """, [key.rawValue, value, PGTime.text(at)])
    }
  }
#endif

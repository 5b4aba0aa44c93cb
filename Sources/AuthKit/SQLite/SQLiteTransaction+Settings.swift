/// The store's own settings: the `settings` table.
extension SQLiteTransaction {
  func setting(_ key: StoredSetting) throws(StoreError) -> String? {
    try first("SELECT value FROM settings WHERE key = ?1", [.text(key.rawValue)]) { $0.text(0) }
  }

  func setSetting(_ key: StoredSetting, to value: String, at: Instant) throws(StoreError) {
    try run(
      """
      INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
      """, [.text(key.rawValue), .text(value), StoredTime.value(at)])
  }
}

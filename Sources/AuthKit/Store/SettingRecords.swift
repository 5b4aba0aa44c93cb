/// Values the store keeps for itself, such as the generated JWT secret.
public protocol SettingRecords {
  func setting(_ key: StoredSetting) throws(StoreError) -> String?
  func setSetting(_ key: StoredSetting, to value: String, at: Instant) throws(StoreError)
}

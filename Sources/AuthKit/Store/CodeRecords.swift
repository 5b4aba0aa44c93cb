/// One-time codes of password changes and resets, with their attempt counts.
public protocol CodeRecords {
  /// Replaces any code of this account and purpose with a new one; returns its id.
  @discardableResult
  func replaceCode(
    userID: String, purpose: String, codeHash: String, createdAt: String, expiresAt: String
  ) throws(StoreError) -> Int64
  /// The newest code of this account and purpose.
  func currentCode(userID: String, purpose: String) throws(StoreError) -> OneTimeCode?
  func countCodeAttempt(id: Int64) throws(StoreError)
  func markCodeUsed(id: Int64, at: String) throws(StoreError)
}

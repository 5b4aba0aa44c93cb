/// One-time codes of password changes and resets, with their attempt counts.
public protocol CodeRecords {
  /// Replaces any code of this account and purpose with a new one; returns its id.
  @discardableResult
  func replaceCode(
    userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
  ) throws(StoreError) -> Int64
  /// Adds a code row beside the others of its account and purpose, first removing those of
  /// them that expired before `createdAt`; returns the new row.
  func insertCode(
    userID: String, purpose: String, codeHash: String, createdAt: Instant, expiresAt: Instant
  ) throws(StoreError) -> OneTimeCode
  /// The code row of this account and purpose whose keyed hash is `codeHash`, if any.
  func code(userID: String, purpose: String, codeHash: String) throws(StoreError) -> OneTimeCode?
  /// The newest code of this account and purpose.
  func currentCode(userID: String, purpose: String) throws(StoreError) -> OneTimeCode?
  func countCodeAttempt(id: Int64) throws(StoreError)
  func markCodeUsed(id: Int64, at: Instant) throws(StoreError)
}

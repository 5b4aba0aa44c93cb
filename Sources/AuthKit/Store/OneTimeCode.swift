/// A row of `codes`: a one-time code, kept only as a keyed hash.
public struct OneTimeCode: Sendable, Equatable {
  public var id: Int64
  public var userID: String
  public var purpose: String
  public var codeHash: String
  public var attempts: Int
  public var createdAt: Instant
  public var expiresAt: Instant
  public var usedAt: Instant?

  public init(
    id: Int64, userID: String, purpose: String, codeHash: String, attempts: Int,
    createdAt: Instant, expiresAt: Instant, usedAt: Instant?
  ) {
    self.id = id
    self.userID = userID
    self.purpose = purpose
    self.codeHash = codeHash
    self.attempts = attempts
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.usedAt = usedAt
  }
}

/// A row of `sessions`: one login. A session is live while not revoked and not expired.
public struct Session: Sendable, Equatable {
  public var id: String
  public var userID: String
  public var createdAt: Instant
  public var expiresAt: Instant
  public var revokedAt: Instant?
  public var revokedReason: String?

  public init(
    id: String, userID: String, createdAt: Instant, expiresAt: Instant, revokedAt: Instant? = nil,
    revokedReason: String? = nil
  ) {
    self.id = id
    self.userID = userID
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.revokedAt = revokedAt
    self.revokedReason = revokedReason
  }
}

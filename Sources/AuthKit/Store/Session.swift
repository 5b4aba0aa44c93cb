/// A row of `sessions`: one login. A session is live while not revoked and not expired.
public struct Session: Sendable, Equatable {
  public var id: String
  public var userID: String
  public var createdAt: String
  public var expiresAt: String
  public var revokedAt: String?
  public var revokedReason: String?

  public init(
    id: String, userID: String, createdAt: String, expiresAt: String, revokedAt: String? = nil,
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

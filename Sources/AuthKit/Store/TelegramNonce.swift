/// A row of `telegram_nonces`: the single-use nonce of a `t.me/<bot>?start=<nonce>` link, kept
/// as its selector (the first characters, to find the row) and a keyed hash of the whole.
public struct TelegramNonce: Sendable, Equatable {
  public var selector: String
  public var userID: String
  public var nonceHash: String
  public var createdAt: Instant
  public var expiresAt: Instant
  public var usedAt: Instant?

  public init(
    selector: String, userID: String, nonceHash: String, createdAt: Instant, expiresAt: Instant,
    usedAt: Instant?
  ) {
    self.selector = selector
    self.userID = userID
    self.nonceHash = nonceHash
    self.createdAt = createdAt
    self.expiresAt = expiresAt
    self.usedAt = usedAt
  }
}

/// Which accounts `users list` shows.
public struct AccountFilter: Sendable {
  public var status: AccountStatus?
  /// Only accounts created before this time (seconds since the epoch).
  public var createdBefore: Int64?
  public var limit: Int?

  public init(status: AccountStatus? = nil, createdBefore: Int64? = nil, limit: Int? = nil) {
    self.status = status
    self.createdBefore = createdBefore
    self.limit = limit
  }
}

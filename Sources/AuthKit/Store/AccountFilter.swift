/// Which accounts `users list` shows.
public struct AccountFilter: Sendable {
  /// Accounts with this status. `expired`, `not-yet-valid` and `must-reset` select every
  /// account in that state, whatever status shows first; the others the status as shown.
  public var status: AccountStatus?
  /// Only accounts created before this time.
  public var createdBefore: Instant?
  public var limit: Int?

  public init(status: AccountStatus? = nil, createdBefore: Instant? = nil, limit: Int? = nil) {
    self.status = status
    self.createdBefore = createdBefore
    self.limit = limit
  }
}

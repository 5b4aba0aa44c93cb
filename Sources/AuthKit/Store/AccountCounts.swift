/// Accounts by status (`AccountRecords.accountCounts`): each account counted once, by
/// `Account.status`.
public struct AccountCounts: Sendable, Equatable {
  public var active: Int
  public var unconfirmed: Int
  public var disabled: Int
  public var locked: Int
  /// Unconfirmed accounts created before the cutoff asked for, whatever else their status.
  public var unconfirmedBeforeCutoff: Int

  public init(
    active: Int, unconfirmed: Int, disabled: Int, locked: Int, unconfirmedBeforeCutoff: Int
  ) {
    self.active = active
    self.unconfirmed = unconfirmed
    self.disabled = disabled
    self.locked = locked
    self.unconfirmedBeforeCutoff = unconfirmedBeforeCutoff
  }

  public var total: Int { active + unconfirmed + disabled + locked }
}

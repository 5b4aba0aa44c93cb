/// Accounts by status (`AccountRecords.accountCounts`): each account counted once, by
/// `Account.status` — disabled, then expired and not yet valid, locked, unconfirmed, a
/// required password change, active.
public struct AccountCounts: Sendable, Equatable {
  public var active: Int
  public var unconfirmed: Int
  public var disabled: Int
  public var locked: Int
  public var expired: Int
  public var notYetValid: Int
  public var mustReset: Int
  /// Unconfirmed accounts created before the cutoff asked for, whatever else their status.
  public var unconfirmedBeforeCutoff: Int

  public init(
    active: Int, unconfirmed: Int, disabled: Int, locked: Int, expired: Int = 0,
    notYetValid: Int = 0, mustReset: Int = 0, unconfirmedBeforeCutoff: Int
  ) {
    self.active = active
    self.unconfirmed = unconfirmed
    self.disabled = disabled
    self.locked = locked
    self.expired = expired
    self.notYetValid = notYetValid
    self.mustReset = mustReset
    self.unconfirmedBeforeCutoff = unconfirmedBeforeCutoff
  }

  public var total: Int {
    active + unconfirmed + disabled + locked + expired + notYetValid + mustReset
  }

  /// Each status with its count, in `AccountStatus.allCases` order.
  public var byStatus: [(AccountStatus, Int)] {
    AccountStatus.allCases.map { status in
      switch status {
      case .active: return (status, active)
      case .unconfirmed: return (status, unconfirmed)
      case .disabled: return (status, disabled)
      case .locked: return (status, locked)
      case .expired: return (status, expired)
      case .notYetValid: return (status, notYetValid)
      case .mustReset: return (status, mustReset)
      }
    }
  }
}

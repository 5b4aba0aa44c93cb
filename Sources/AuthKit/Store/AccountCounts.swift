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

  /// The counts from the sets an adapter counts over its indexes: every account, the
  /// disabled, expired, not-yet-valid, locked and must-reset ones (each without those ranked
  /// before it), every unconfirmed one and those of them ranked higher; active is what is
  /// left.
  public init(
    total: Int, disabled: Int, expired: Int, notYetValid: Int, locked: Int,
    unconfirmedAll: Int, unconfirmedRankedHigher: Int, mustReset: Int,
    unconfirmedBeforeCutoff: Int
  ) {
    let unconfirmed = unconfirmedAll - unconfirmedRankedHigher
    self.init(
      active: total - disabled - expired - notYetValid - locked - unconfirmed - mustReset,
      unconfirmed: unconfirmed, disabled: disabled, locked: locked, expired: expired,
      notYetValid: notYetValid, mustReset: mustReset,
      unconfirmedBeforeCutoff: unconfirmedBeforeCutoff)
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

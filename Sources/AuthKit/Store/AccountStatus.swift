/// An account's status, derived from its row (`Account.status`): disabled first, then an
/// expired or not yet valid window, locked, unconfirmed, a required password change, active.
public enum AccountStatus: String, Sendable, CaseIterable {
  case unconfirmed, active, disabled, locked, expired
  case notYetValid = "not-yet-valid"
  case mustReset = "must-reset"
}

/// An account's status, derived from its row: disabled wins over locked, locked over
/// unconfirmed.
public enum AccountStatus: String, Sendable, CaseIterable {
  case unconfirmed, active, disabled, locked
}

/// An account's status, derived from its row: disabled wins over locked, locked over
/// unconfirmed.
public enum AccountStatus: String, Sendable, CaseIterable {
  case unconfirmed, active, disabled, locked

  /// The SQL expression computing the status of a `users` row, given the current time as
  /// parameter `?NOW` (ISO-8601 text).
  static func sql(now parameter: String) -> String {
    """
    CASE WHEN disabled_at IS NOT NULL THEN 'disabled' \
    WHEN locked_until IS NOT NULL AND locked_until > \(parameter) THEN 'locked' \
    WHEN activated_at IS NULL THEN 'unconfirmed' ELSE 'active' END
    """
  }
}

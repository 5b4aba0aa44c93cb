/// One row of `users`, every column but none computed.
public struct Account: Sendable, Equatable {
  public var id: String
  public var email: String
  /// The password hash, or nil/empty when the account has no usable password (imported so).
  public var passwordHash: String?
  /// ISO-8601 text, as the original app wrote it; nil while unconfirmed.
  public var activatedAt: String?
  public var createdAt: String?
  public var updatedAt: String?
  public var disabledAt: String?
  public var failedLogins: Int
  public var lockedUntil: String?
  public var lastLoginAt: String?
  /// True when the current password was generated and mailed.
  public var passwordGenerated: Bool
  /// Changed whenever outstanding tokens must die; part of their fingerprint.
  public var stamp: String?
  /// When the password last changed or was reset, or the account was disabled.
  public var securityChangedAt: String? = nil

  /// The status at `now` (disabled > locked > unconfirmed > active, as `users list`).
  public func status(now: Int64) -> AccountStatus {
    if disabledAt != nil { return .disabled }
    if isLocked(now: now) { return .locked }
    return activatedAt == nil ? .unconfirmed : .active
  }

  public func isLocked(now: Int64) -> Bool {
    guard let lockedUntil, let until = Timestamp.parse(lockedUntil) else { return false }
    return until > now
  }

  public var hasPassword: Bool { !(passwordHash ?? "").isEmpty }
}

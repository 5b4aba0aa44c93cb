/// One row of `users`, every column but none computed.
public struct Account: Sendable, Equatable {
  public var id: String
  public var email: String
  /// The password hash, or nil/empty when the account has no usable password (imported so).
  public var passwordHash: String?
  /// When the account was confirmed; nil while unconfirmed. (The original app wrote ISO-8601
  /// text, which the store's adapter reads, and writes back unchanged while the time is.)
  public var activatedAt: Instant?
  public var createdAt: Instant?
  public var updatedAt: Instant?
  public var disabledAt: Instant?
  public var failedLogins: Int
  public var lockedUntil: Instant?
  public var lastLoginAt: Instant?
  /// True when the current password was generated and mailed.
  public var passwordGenerated: Bool
  /// Changed whenever outstanding tokens must die; part of their fingerprint.
  public var stamp: String?
  /// When the password last changed or was reset, or the account was disabled.
  public var securityChangedAt: Instant? = nil

  /// The status at `now` (disabled > locked > unconfirmed > active, as `users list`).
  public func status(now: Instant) -> AccountStatus {
    if disabledAt != nil { return .disabled }
    if isLocked(now: now) { return .locked }
    return activatedAt == nil ? .unconfirmed : .active
  }

  public func isLocked(now: Instant) -> Bool {
    guard let lockedUntil else { return false }
    return lockedUntil > now
  }

  public var hasPassword: Bool { !(passwordHash ?? "").isEmpty }
}

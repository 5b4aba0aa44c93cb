/// One row of `users`, every column but none computed.
public struct Account: Sendable, Equatable {
  public var id: String
  public var email: String
  /// The password hash, or nil/empty when the account has no usable password (imported so).
  public var passwordHash: String?
  /// ISO-8601 text, as the original app wrote it; nil while unconfirmed (a blank value, which
  /// the original app may have written, is read as nil).
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
  /// The start of the account's validity window: before it, the account may not authenticate.
  public var validFrom: String? = nil
  /// The end of the account's validity window: from then on it may not authenticate.
  public var expiresAt: String? = nil
  /// When an operator required a new password (`users require-reset`); nil when none is due.
  public var mustResetAt: String? = nil
  /// The operator's reason for the required reset, shown when a login is refused.
  public var mustResetReason: String? = nil
  /// A new address waiting for its confirmation token (`email change`, `users set-email`).
  public var pendingEmail: String? = nil
  /// When the pending address was asked for.
  public var pendingEmailAt: String? = nil

  /// The status at `now`: disabled > expired > not yet valid > locked > unconfirmed > must
  /// reset > active, as `users list` shows it.
  public func status(now: Int64) -> AccountStatus {
    if disabledAt != nil { return .disabled }
    switch window(now: now) {
    case .expired: return .expired
    case .notYetValid: return .notYetValid
    case .open: break
    }
    if isLocked(now: now) { return .locked }
    if activatedAt == nil { return .unconfirmed }
    return mustResetAt != nil ? .mustReset : .active
  }

  public func isLocked(now: Int64) -> Bool {
    guard let lockedUntil, let until = Timestamp.parse(lockedUntil) else { return false }
    return until > now
  }

  public var hasPassword: Bool { !(passwordHash ?? "").isEmpty }

  /// Where `now` lies against the validity window.
  public enum Window: Sendable, Equatable {
    case open, notYetValid, expired
  }

  /// Where `now` lies against the window: expired from `expires_at` on, not yet valid before
  /// `valid_from`. A time that cannot be read closes the window (fails safe).
  public func window(now: Int64) -> Window {
    if let expiresAt {
      guard let end = Timestamp.parse(expiresAt) else { return .expired }
      if now >= end { return .expired }
    }
    if let validFrom {
      guard let start = Timestamp.parse(validFrom) else { return .notYetValid }
      if now < start { return .notYetValid }
    }
    return .open
  }
}

/// One row of `users`, every column but none computed.
public struct Account: Sendable, Equatable {
  public var id: String
  public var email: String
  /// The password hash, or nil/empty when the account has no usable password (imported so).
  public var passwordHash: String?
  /// When the account was confirmed; nil while unconfirmed. (The original app wrote ISO-8601
  /// text, which the store's adapter reads, and writes back unchanged while the time is; a
  /// blank one, `''` or white space, reads as nil.)
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
  /// The start of the account's validity window: before it, the account may not authenticate.
  public var validFrom: Instant? = nil
  /// The end of the account's validity window: from then on it may not authenticate.
  public var expiresAt: Instant? = nil
  /// When an operator required a new password (`users require-reset`); nil when none is due.
  public var mustResetAt: Instant? = nil
  /// The operator's reason for the required reset, shown when a login is refused.
  public var mustResetReason: String? = nil
  /// A new address waiting for its confirmation token (`email change`, `users set-email`).
  public var pendingEmail: String? = nil
  /// When the pending address was asked for.
  public var pendingEmailAt: Instant? = nil

  /// The status at `now`: disabled > expired > not yet valid > locked > unconfirmed > must
  /// reset > active, as `users list` shows it.
  public func status(now: Instant) -> AccountStatus {
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

  /// Where `now` lies against the validity window.
  public enum Window: Sendable, Equatable {
    case open, notYetValid, expired
  }

  /// Where `now` lies against the window: expired from `expires_at` on, not yet valid before
  /// `valid_from`.
  public func window(now: Instant) -> Window {
    if let expiresAt, now >= expiresAt { return .expired }
    if let validFrom, now < validFrom { return .notYetValid }
    return .open
  }

  public func isLocked(now: Instant) -> Bool {
    guard let lockedUntil else { return false }
    return lockedUntil > now
  }

  public var hasPassword: Bool { !(passwordHash ?? "").isEmpty }
}

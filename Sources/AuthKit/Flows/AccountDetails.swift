/// What `users show` prints: every field of an account but its hash.
public struct AccountDetails: Sendable {
  public var account: Account
  public var status: AccountStatus
  public var liveSessions: Int
  /// The account's Telegram link, if any (issue 15).
  public var telegram: TelegramLink?
  /// When the details were read: a lock that ended by then is not shown.
  public var now: Instant

  /// Field names and values, in the order they are printed (times as `Instant`s).
  public var fields: [(String, Any?)] {
    let a = account
    return [
      ("id", a.id), ("email", a.email), ("status", status.rawValue),
      ("created_at", a.createdAt), ("updated_at", a.updatedAt),
      ("activated_at", a.activatedAt), ("last_login_at", a.lastLoginAt),
      ("disabled_at", a.disabledAt), ("failed_logins", a.failedLogins),
      ("locked_until", a.isLocked(now: now) ? a.lockedUntil : nil),
      ("live_sessions", liveSessions), ("has_password", a.hasPassword),
      ("password_generated", a.passwordGenerated),
      ("valid_from", a.validFrom), ("expires_at", a.expiresAt),
      ("must_reset_at", a.mustResetAt), ("must_reset_reason", a.mustResetReason),
      ("pending_email", a.pendingEmail),
      ("telegram_linked", telegram != nil), ("telegram_linked_at", telegram?.linkedAt),
      ("telegram_codes", telegram.map { $0.prefer ? "telegram" : "mail" }),
    ]
  }
}

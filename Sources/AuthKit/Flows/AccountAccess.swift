/// Whether an account may authenticate now: the one place `login`, `check` (issue 14), the
/// current session (`whoami`, `passwd`, `email change`) and the recovery flows decide it, so a
/// new state of the account lifecycle (issue 16) reaches every caller at once.
///
/// A locked account is refused before any hash runs, by the reservation of `PasswordAttempt`;
/// the other refusals are given only after the password was proven, so a guesser learns
/// nothing about an account's state from a wrong password (and both cost one hash).
public enum AccountAccess: Equatable, Sendable {
  case allowed
  case refused(FlowError)
  /// The password was right but an operator requires a new one (`users require-reset`):
  /// `login` mails a reset and refuses; every other caller refuses.
  case passwordChangeRequired(FlowError)

  /// The decision for `a` at `now` once its password was proven: unconfirmed, disabled (the
  /// order `login` has always reported them in), outside its validity window, then a
  /// required password change.
  public static func afterPassword(_ a: Account, now: Instant) -> AccountAccess {
    if a.activatedAt == nil {
      return .refused(
        .refused("account \(a.email) is not confirmed; confirm it with the mailed token first"))
    }
    if let refusal = standingRefusal(a, now: now) { return .refused(refusal) }
    if a.mustResetAt != nil {
      let why = a.mustResetReason.map { " (\($0))" } ?? ""
      return .passwordChangeRequired(
        .refused("password change required\(why) for \(a.email)"))
    }
    return .allowed
  }

  /// The decision for `a` at `now` without a password: PAM's account phase and the htpasswd
  /// export (issue 14). The lock counts here too, first, as it does at the reservation.
  public static func standing(_ a: Account, now: Instant) -> AccountAccess {
    if a.isLocked(now: now) { return .refused(PasswordAttempt.locked(a)) }
    return afterPassword(a, now: now)
  }

  /// Why `a` may not recover or reset its password at `now` (disabled, or outside its window),
  /// or nil. A required password change is what a reset is for, so it does not count here;
  /// an unconfirmed account is refused by the recovery flows with their own advice.
  public static func recoveryRefusal(_ a: Account, now: Instant) -> FlowError? {
    standingRefusal(a, now: now)
  }

  /// Why a live session of `a` no longer counts at `now` (disabled, or outside its window), or
  /// nil: an account's sessions end when it expires.
  public static func sessionRefusal(_ a: Account, now: Instant) -> FlowError? {
    guard let why = standingRefusal(a, now: now) else { return nil }
    return .refused("not logged in: \(why.message)")
  }

  /// Disabled, expired, not yet valid: what refuses an account whatever it proves.
  static func standingRefusal(_ a: Account, now: Instant) -> FlowError? {
    if a.disabledAt != nil { return .refused("account \(a.email) is disabled") }
    switch a.window(now: now) {
    case .open: return nil
    case .expired:
      return .refused(
        "account expired: \(a.email) was valid until \(a.expiresAt.map(\.description) ?? "-")")
    case .notYetValid:
      return .refused(
        "account not yet valid: \(a.email) is valid from \(a.validFrom.map(\.description) ?? "-")")
    }
  }

  /// The refusal, or nil when allowed.
  public var refusal: FlowError? {
    switch self {
    case .allowed: return nil
    case .refused(let e), .passwordChangeRequired(let e): return e
    }
  }
}

/// Whether an account may authenticate: the one place `login`, `check` (and its PAM,
/// checkpassword, Apache and Squid modes) and the htpasswd export decide it (issue 14). The
/// lifecycle issue (16) adds its states here — an expired account, a password that must be
/// changed — and every caller follows.
///
/// A locked account is refused before any hash runs, by the reservation of `PasswordAttempt`;
/// the other refusals are given only after the password was proven, so a guesser learns
/// nothing about an account's state from a wrong password (and both cost one hash).
public enum AccountAccess: Equatable, Sendable {
  case allowed
  case refused(FlowError)

  /// The decision for `a` at `now` once its password was proven. Unconfirmed, then disabled
  /// (the order `login` has always reported them in).
  public static func afterPassword(_ a: Account, now: Instant) -> AccountAccess {
    if a.activatedAt == nil {
      return .refused(
        .refused("account \(a.email) is not confirmed; confirm it with the mailed token first"))
    }
    if a.disabledAt != nil { return .refused(.refused("account \(a.email) is disabled")) }
    return .allowed
  }

  /// The decision for `a` at `now` without a password: PAM's account phase and the htpasswd
  /// export. The lock counts here too, first, as it does at the reservation.
  public static func standing(_ a: Account, now: Instant) -> AccountAccess {
    if a.isLocked(now: now) { return .refused(PasswordAttempt.locked(a)) }
    return afterPassword(a, now: now)
  }

  /// The refusal, or nil when allowed.
  public var refusal: FlowError? {
    if case .refused(let e) = self { return e }
    return nil
  }
}

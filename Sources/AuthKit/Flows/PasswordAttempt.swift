/// One counted check of an account's password (issue 11, items 2 and 3): login, the current
/// password of `passwd --request`, and the proof of a chosen password at `confirm`.
///
/// The check is reserved before bcrypt runs, in its own short `BEGIN IMMEDIATE` transaction
/// (DESIGN.md "Transactions" 2): a locked account is refused there, before any password is
/// checked, and the reservation counts as a failure in `failed_logins` at once. The
/// reservation that reaches `AUTHCTL_LOCKOUT_THRESHOLD` engages the lock itself, so every
/// later reservation is refused while the checks already reserved are still hashing: parallel
/// processes can never check more than the threshold in one lock window (OWASP Authentication
/// Cheat Sheet, "Account Lockout"; NIST SP 800-63B §5.2.2 "Rate Limiting"). bcrypt then runs
/// outside the write lock, and the attempt is settled: a right password clears the count and
/// the lock (`clear`), a wrong one keeps the count it already holds (`wrong`). A process
/// killed in between leaves exactly one counted failure, and a lock it engaged ends on time.
struct PasswordAttempt {
  let run: FlowRun
  let account: Account
  /// True when this reservation reached the threshold and engaged the lock.
  let engagedLock: Bool

  var ctx: FlowContext { run.ctx }

  /// Reserves one check of `a`'s password, or refuses (77) when the account is locked.
  static func reserve(_ run: FlowRun, _ a: Account) throws -> PasswordAttempt {
    let ctx = run.ctx
    let threshold = max(1, ctx.settings.lockoutThreshold)
    let duration = ctx.settings.lockoutDuration
    let (current, engaged) = try run.write { (tx) throws -> (Account, Bool) in
      guard var current = try tx.account(id: a.id) else {
        throw FlowError.noSuchAccount("no account with email \(a.email)")
      }
      let now = ctx.now()
      if current.isLocked(now: now) { throw locked(current) }
      if current.lockedUntil != nil {
        // The lock has ended: a new window starts.
        current.lockedUntil = nil
        current.failedLogins = 0
      }
      if current.failedLogins >= threshold {
        // Counted past a threshold lowered since, or by another program: lock now, and refuse
        // with the lock kept.
        current.lockedUntil = now + duration
        try tx.updateAccount(current)
        try run.note(
          tx, "lockout", current, ok: false, reason: "\(threshold) failed password checks")
        throw CommitAndRefuse(locked(current))
      }
      current.failedLogins += 1
      let engaged = current.failedLogins >= threshold
      if engaged { current.lockedUntil = now + duration }
      try tx.updateAccount(current)
      return (current, engaged)
    }
    return PasswordAttempt(run: run, account: current, engagedLock: engaged)
  }

  static func locked(_ a: Account) -> FlowError {
    .refused(
      "account \(a.email) is locked until \(a.lockedUntil.map { "\($0)" } ?? "") after too many failed logins"
    )
  }

  /// Settles a right password in the caller's write transaction: the count and any lock end.
  static func clear(_ a: inout Account) {
    a.failedLogins = 0
    a.lockedUntil = nil
  }

  /// Settles a right password as a login, in the caller's write transaction: the count and any
  /// lock end, `last_login_at` is `now`, and a rehash made outside the lock replaces the hash.
  static func recordLogin(_ a: inout Account, at now: Instant, newHash: String?) {
    clear(&a)
    a.lastLoginAt = now
    if let newHash {
      a.passwordHash = newHash
      a.updatedAt = now
    }
  }

  /// Settles a right password in its own transaction, when the caller writes nothing else.
  func right() throws {
    try run.write { tx in
      guard var current = try tx.account(id: account.id) else { return }
      Self.clear(&current)
      try tx.updateAccount(current)
    }
  }

  /// Settles a wrong password (already counted at the reservation) and refuses; the
  /// reservation that engaged the lock records the lockout with the refusal.
  func wrong(hint: String? = nil) throws -> Never {
    let threshold = max(1, ctx.settings.lockoutThreshold)
    let duration = ctx.settings.lockoutDuration.wholeSeconds
    let why =
      account.hasPassword
      ? "wrong password" + (hint.map { " (\($0))" } ?? "")
      : "the account has no password yet (run 'authctl recover')"
    guard engagedLock else { throw FlowError.refused(why) }
    throw try run.write { (tx) throws -> FlowError in
      guard let current = try tx.account(id: account.id), current.isLocked(now: ctx.now())
      else { return .refused(why) }
      try run.note(tx, "lockout", current, ok: false, reason: "\(threshold) failed logins")
      throw CommitAndRefuse(
        FlowError.refused(
          "\(why); account \(account.email) is now locked for \(DurationText.format(duration)) after \(threshold) failed logins"
        ))
    }
  }

  /// Reserves, checks `password` against the hash read at the reservation outside the write
  /// lock, and refuses a wrong one. Returns the reservation and the hash that matched; the
  /// caller settles a right password (`clear` or `right`).
  static func verify(_ run: FlowRun, _ a: Account, password: String, hint: String? = nil)
    throws -> (PasswordAttempt, String)
  {
    let attempt = try reserve(run, a)
    guard let stored = attempt.account.passwordHash, !stored.isEmpty,
      run.ctx.hasher.verify(password, against: stored)
    else { try attempt.wrong(hint: hint) }
    return (attempt, stored)
  }
}

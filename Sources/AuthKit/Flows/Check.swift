/// `authctl check` (issue 14): is this account's password right? Creates no session.
///
/// Every login rule applies, decided where `login` decides it: the check is reserved before
/// bcrypt runs and a locked account is refused there (`PasswordAttempt`), a wrong password
/// counts toward the lockout, and an unconfirmed or disabled account is refused once its
/// password was proven (`AccountAccess`). Every refusal is `FlowError.refused` (77), an unknown
/// account's too, and is audited as a failed `check` with its reason.
///
/// An unknown account costs what a known one costs: the same write lock, then one bcrypt at the
/// configured cost against `PasswordHasher.dummyHash`. A success settles its reservation and
/// writes nothing else — no session, no audit event — unless `recordLogin`, which records
/// `last_login_at`, rehashes a hash made at another cost or scheme, and audits the login.
public struct Check {
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Verifies `password` for `rawEmail`; returns the account when it may authenticate.
  public func run(_ rawEmail: String, password: String, recordLogin: Bool = false) throws
    -> Account
  {
    let email = try EmailAddress.normalize(rawEmail)
    return try ctx.run("check", email: email) { run in
      // Never right: no account may have an empty password (DJB's checkpassword refuses
      // them too). Refused before the account is looked up, so it says nothing about it.
      guard !password.isEmpty else { throw FlowError.refused("the password is empty") }
      guard let a = try ctx.store.read({ try $0.account(email: email) }) else {
        try unknown(email, password: password)
        throw FlowError.refused("no account with email \(email)")
      }
      let (attempt, stored) = try PasswordAttempt.verify(run, a, password: password)
      if let refusal = AccountAccess.afterPassword(attempt.account, now: ctx.now()).refusal {
        try attempt.right()
        throw refusal
      }
      guard recordLogin else {
        try attempt.right()
        return attempt.account
      }
      return try record(run, a, stored: stored, password: password)
    }
  }

  /// PAM's account phase (`PAM_TYPE=account`): may the account authenticate now? No password,
  /// nothing counted, nothing written on success; a refusal is audited.
  public func standing(_ rawEmail: String) throws -> Account {
    let email = try EmailAddress.normalize(rawEmail)
    return try ctx.run("check", email: email) { run in
      guard let a = try ctx.store.read({ try $0.account(email: email) }) else {
        throw FlowError.refused("no account with email \(email)")
      }
      run.about(a)
      if let refusal = AccountAccess.standing(a, now: ctx.now()).refusal { throw refusal }
      return a
    }
  }

  /// The unknown account's share of the work a known one does: the write lock its reservation
  /// would take (with the same lookup), then one bcrypt at the configured cost.
  func unknown(_ email: String, password: String) throws {
    _ = try ctx.store.write { try $0.account(email: email) }
    ctx.hasher.verifyDummy(password)
  }

  /// `--record-login`: the login is recorded as `login` records it (without a session), in
  /// one write transaction that also settles the reservation.
  func record(_ run: FlowRun, _ a: Account, stored: String, password: String) throws -> Account {
    let newHash = ctx.hasher.needsRehash(stored) ? try ctx.hasher.hash(password) : nil
    return try run.write { (tx) throws -> Account in
      guard var current = try tx.account(id: a.id), current.passwordHash == stored
      else { throw FlowError.tryLater("the account changed while it was checked; try again") }
      PasswordAttempt.recordLogin(&current, at: ctx.now(), newHash: newHash)
      try tx.updateAccount(current)
      try run.succeeded(
        tx, current,
        detail: "login recorded" + (newHash == nil ? "" : "; rehashed at the configured cost"))
      return current
    }
  }
}

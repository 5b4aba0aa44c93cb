/// An account's address changed with reconfirmation (issue 16): `authctl email change NEW`,
/// `authctl users set-email EMAIL NEW [--no-confirm]`, and `authctl confirm` of the token.
///
/// The request holds the new address as pending and mails a `change_email` token to it (its
/// fingerprint covers the address, the pending one, the password hash and the stamp, so it
/// works once, and dies when a newer change is asked for or the password changes), and a
/// notice to the old address with the new one masked. Confirming swaps the addresses in one
/// transaction: the account's sessions end and its outstanding tokens die (a new stamp and
/// `security_changed_at`). An address another account holds is refused (65) when the change
/// is asked for and again when it is confirmed, since it may have been taken meanwhile. The
/// audit log records both addresses.
public struct EmailChange {
  public struct Result {
    public var account: Account
    public var newEmail: String
    /// True when the address changed at once (`--no-confirm`); else it is pending.
    public var changed: Bool
    public var delivery: DeliveryReport
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// `authctl email change NEW`: the logged-in account asks for `rawNew`, proving its current
  /// `password` (a counted check, as a login: `PasswordAttempt`).
  public func request(file: SessionFile, newEmail rawNew: String, password: String) throws
    -> Result
  {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    let new = try EmailAddress.normalize(rawNew)
    return try ctx.run("email.change.request", email: a.email) { run in
      run.about(a)
      try Self.checkDifferent(a, new)
      let (_, stored) = try PasswordAttempt.verify(run, a, password: password)
      return try queue(run, a.id, new, stored: stored, byOperator: false)
    }
  }

  /// `authctl users set-email EMAIL NEW [--no-confirm]`: the operator asks for the change, to
  /// be confirmed from the new address, or (`confirm` false) makes it at once.
  public func set(_ key: String, newEmail rawNew: String, confirm: Bool) throws -> Result {
    let new = try EmailAddress.normalize(rawNew)
    return try ctx.run("admin.set-email", email: key) { run in
      let a = try ctx.store.read { try Accounts.lookup($0, key) }
      run.about(a)
      try Self.checkDifferent(a, new)
      if confirm { return try queue(run, a.id, new, stored: nil, byOperator: true) }
      let changed = try run.write { (tx) throws -> Account in
        guard var fresh = try tx.account(id: a.id) else {
          throw FlowError.noSuchAccount("no account with email \(a.email)")
        }
        let old = fresh.email
        try Self.checkFree(run, tx, fresh, new)
        try apply(tx, &fresh, to: new)
        try run.queue(
          tx, "email-changed", to: fresh, at: old,
          NotificationTemplates.emailChangedNotice(masked: EmailAddress.masked(new)))
        try run.queue(
          tx, "email-changed", to: fresh,
          NotificationTemplates.emailChanged(new: new, oldMasked: EmailAddress.masked(old)))
        try run.succeeded(
          tx, fresh, detail: "changed from \(old) to \(new) without confirmation")
        return fresh
      }
      return Result(account: changed, newEmail: new, changed: true, delivery: run.delivery)
    }
  }

  /// `authctl confirm` of a `change_email` token: the pending address becomes the account's.
  func confirm(_ parsed: TokenInput) throws -> Confirm.Result {
    try ctx.run("email.change") { run in
      let claims = try run.claims(
        of: parsed, .changeEmail,
        wayOut: "ask for the address change again ('authctl email change NEW')")
      let (account, old) = try run.write { (tx) throws -> (Account, String) in
        guard var a = try tx.account(id: claims.userID) else {
          throw FlowError.noSuchAccount("no account \(claims.email) any more")
        }
        run.about(a)
        guard a.email == claims.email, a.pendingEmail != nil,
          let fp = claims.fingerprint,
          constantTimeEquals(Array(fp.utf8), Array(try ctx.emailChangeFingerprint(a).utf8))
        else {
          throw FlowError.refused(
            "\(TokenError.used.message): the address changed since, or a newer change was asked for"
          )
        }
        if let refusal = AccountAccess.recoveryRefusal(a, now: ctx.now()) { throw refusal }
        let new = a.pendingEmail!
        let old = a.email
        try Self.checkFree(run, tx, a, new)
        try apply(tx, &a, to: new)
        try run.queue(
          tx, "email-changed", to: a,
          NotificationTemplates.emailChanged(new: new, oldMasked: EmailAddress.masked(old)))
        try run.succeeded(tx, a, detail: "changed from \(old) to \(new)")
        return (a, old)
      }
      return Confirm.Result(
        account: account, generated: false, delivery: run.delivery, previousEmail: old)
    }
  }

  /// Holds `new` as the pending address of account `id` and queues the token to it and the
  /// notice to the old address, in one write transaction (delivered after its commit).
  /// `stored` is the hash the current password was proven against (nil for the operator).
  func queue(_ run: FlowRun, _ id: String, _ new: String, stored: String?, byOperator: Bool)
    throws -> Result
  {
    let ttl = ctx.settings.confirmTTL
    let account = try run.write { (tx) throws -> Account in
      guard var a = try tx.account(id: id) else {
        throw FlowError.noSuchAccount("no account with id \(id)")
      }
      if let stored {
        guard a.passwordHash == stored else {
          throw FlowError.tryLater("the account changed meanwhile; try again")
        }
        PasswordAttempt.clear(&a)
      }
      try Self.checkFree(run, tx, a, new)
      let now = ctx.now()
      a.pendingEmail = new
      a.pendingEmailAt = now
      // A new stamp: an earlier change's token, and any confirmation or reset token mailed to
      // the old address, die.
      a.stamp = try ctx.newStamp()
      a.updatedAt = now
      try tx.updateAccount(a)
      let token = try ctx.signer.sign(
        purpose: .changeEmail, email: a.email, userID: a.id, issuedAt: now, lifetime: ttl,
        fingerprint: try ctx.emailChangeFingerprint(a))
      try run.queue(
        tx, "email-change", to: a, at: new,
        NotificationTemplates.emailChangeConfirm(
          old: a.email, new: new, token: token, ttl: ttl.wholeSeconds))
      try run.queue(
        tx, "email-change-notice", to: a,
        NotificationTemplates.emailChangeNotice(
          old: a.email, masked: EmailAddress.masked(new), byOperator: byOperator))
      try run.succeeded(tx, a, detail: "from \(a.email) to \(new), pending confirmation")
      return a
    }
    return Result(account: account, newEmail: new, changed: false, delivery: run.delivery)
  }

  /// Makes `new` the address of `a`, in the caller's transaction: the pending address is
  /// cleared, a new stamp and `security_changed_at` kill every outstanding token (the original
  /// app's too), and every session ends.
  func apply(_ tx: any StoreTransaction, _ a: inout Account, to new: String) throws {
    let now = ctx.now()
    a.email = new
    a.pendingEmail = nil
    a.pendingEmailAt = nil
    a.stamp = try ctx.newStamp()
    a.securityChangedAt = now
    a.updatedAt = now
    try tx.updateAccount(a)
    try tx.revokeSessions(userID: a.id, at: now, reason: "email changed")
  }

  /// 65 when `new` is already the account's address.
  static func checkDifferent(_ a: Account, _ new: String) throws(FlowError) {
    if a.email.lowercased() == new {
      throw .invalidInput("\(new) is already the account's address; nothing changed")
    }
  }

  /// 65 when another account holds `new` (emails compare without case), inside the run's
  /// transaction; the refusal is recorded (`CommitAndRefuse`, nothing else was written), since
  /// it is the race the audit should show, not a malformed request.
  static func checkFree(_ run: FlowRun, _ tx: any StoreTransaction, _ a: Account, _ new: String)
    throws
  {
    try checkDifferent(a, new)
    if let other = try tx.account(email: new), other.id != a.id {
      throw CommitAndRefuse(
        FlowError.invalidInput(
          "\(new) already has an account; the address of \(a.email) was not changed"))
    }
  }
}

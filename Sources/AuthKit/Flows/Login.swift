/// `authctl login EMAIL [--password-stdin]` (issue 5).
public struct Login {
  public struct Result {
    public var account: Account
    public var sessionID: String
    public var expiresAt: String
    public var rehashed: Bool
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Checks the password and, on success, records a new session and writes its token to
  /// `file`. Failures count toward the lockout (`AUTHCTL_LOCKOUT_THRESHOLD` consecutive ones
  /// lock the account for `AUTHCTL_LOCKOUT_DURATION`), reserved before bcrypt runs so parallel
  /// logins cannot check more passwords than the threshold (`PasswordAttempt`).
  public func run(_ rawEmail: String, password: String, file: SessionFile) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    return try ctx.audited("login", email: email) {
      guard let a = try ctx.store.read({ try $0.account(email: email) }) else {
        throw FlowError.noSuchAccount("no account with email \(email)")
      }
      // Reserved before bcrypt, refused when locked (`PasswordAttempt`); a wrong password
      // throws its refusal, already counted.
      let (attempt, stored) = try PasswordAttempt.verify(ctx, a, password: password)
      // Unconfirmed, disabled, outside its window, a new password required: told only to
      // whoever proved the password (`AccountAccess`).
      switch AccountAccess.afterPassword(attempt.account, now: ctx.now()) {
      case .allowed: break
      case .refused(let refusal):
        try attempt.right()
        throw refusal
      case .passwordChangeRequired(let refusal):
        throw try mailRequiredReset(attempt.account, refusal)
      }
      let newHash = ctx.hasher.needsRehash(stored) ? try ctx.hasher.hash(password) : nil
      let sessionID = try Random.uuid4()
      let now = ctx.now()
      // A session ends with the account's validity window, if that comes first.
      let end = attempt.account.expiresAt.flatMap(Timestamp.parse) ?? .max
      let ttl = max(1, min(ctx.settings.sessionTTL.wholeSeconds, end - now))
      let expires = Timestamp.format(now + ttl)
      let account = try ctx.store.write { (tx) throws -> Account in
        guard var current = try tx.account(id: a.id), current.passwordHash == stored
        else { throw FlowError.tryLater("the account changed while logging in; try again") }
        let nowText = Timestamp.format(now)
        try ctx.startSession(
          tx, Session(id: sessionID, userID: a.id, createdAt: nowText, expiresAt: expires),
          of: current)
        current.lastLoginAt = nowText
        PasswordAttempt.clear(&current)
        if let newHash {
          current.passwordHash = newHash
          current.updatedAt = nowText
        }
        try tx.updateAccount(current)
        try ctx.audit(
          tx,
          "login", current, detail: newHash == nil ? nil : "rehashed at the configured cost")
        return current
      }
      let token = try ctx.signer.sign(
        purpose: .session, email: account.email, userID: account.id, issuedAt: now, lifetime: ttl,
        sessionID: sessionID)
      do {
        try file.write(token)
      } catch {
        _ = try? ctx.store.write { tx in
          try tx.revokeSession(
            id: sessionID, at: Timestamp.format(ctx.now()),
            reason: "session file not written")
        }
        throw error
      }
      return Result(
        account: account, sessionID: sessionID, expiresAt: expires, rehashed: newHash != nil)
    }
  }

  /// An operator required a new password (`users require-reset`) and the person just proved
  /// the old one: a reset token and code are mailed, as `recover` mails them, in the
  /// transaction that settles the attempt, and the refusal says to use them.
  func mailRequiredReset(_ a: Account, _ refusal: FlowError) throws -> PasswordChangeRequired {
    let electric =
      ctx.settings.appURL == nil ? nil : try ElectricMail.make(a.email, hasher: ctx.hasher)
    let id = try ctx.store.write { (tx) throws -> Int64 in
      guard var current = try tx.account(id: a.id) else {
        throw FlowError.noSuchAccount("no account with email \(a.email)")
      }
      PasswordAttempt.clear(&current)
      try tx.updateAccount(current)
      let id = try Recover(ctx).queueReset(tx, current, electric: electric, now: ctx.now())
      try ctx.audit(
        tx, "login", current, ok: false, reason: refusal.message,
        detail: "a reset token and code were mailed")
      return id
    }
    let delivery = try ctx.mailer.deliver(ctx.store, ids: [id])
    return PasswordChangeRequired(
      refusal: .refused(
        "\(refusal.message): a reset token and code were mailed to \(a.email); "
          + "set a new password with 'authctl reset -' and the code, then log in"),
      delivery: delivery)
  }
}

/// `login` refused a right password because a new one is required; a reset was mailed
/// (`delivery`). The CLI reports the delivery, then fails with `refusal` (77).
public struct PasswordChangeRequired: Error {
  public var refusal: FlowError
  public var delivery: DeliveryReport
}

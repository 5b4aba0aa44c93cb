/// `authctl login EMAIL [--password-stdin]` (issue 5).
public struct Login {
  public struct Result {
    public var account: Account
    public var sessionID: String
    public var expiresAt: Instant
    public var rehashed: Bool
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Checks the password and, on success, records a new session and writes its token to
  /// `file`. Failures count toward the lockout (`AUTHCTL_LOCKOUT_THRESHOLD` consecutive ones
  /// lock the account for `AUTHCTL_LOCKOUT_DURATION`), reserved before bcrypt runs so parallel
  /// logins cannot check more passwords than the threshold (`PasswordAttempt`).
  @discardableResult
  public func run(_ rawEmail: String, password: String, file: SessionFile) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    return try ctx.run("login", email: email) { run in
      guard let a = try ctx.store.read({ try $0.account(email: email) }) else {
        throw FlowError.noSuchAccount("no account with email \(email)")
      }
      // Reserved before bcrypt, refused when locked (`PasswordAttempt`); a wrong password
      // is refused, already counted.
      let (attempt, stored) = try PasswordAttempt.verify(run, a, password: password)
      // Unconfirmed, disabled, outside its window, a new password required: told only to
      // whoever proved the password (`AccountAccess`).
      switch AccountAccess.afterPassword(attempt.account, now: ctx.now()) {
      case .allowed: break
      case .refused(let refusal):
        try attempt.right()
        throw refusal
      case .passwordChangeRequired(let refusal):
        try mailRequiredReset(run, attempt.account, refusal)
      }
      let newHash = ctx.hasher.needsRehash(stored) ? try ctx.hasher.hash(password) : nil
      let sessionID = try Random.uuid4()
      let now = ctx.now()
      // A session ends with the account's validity window, if that comes first.
      var ttl = ctx.settings.sessionTTL
      if let end = attempt.account.expiresAt, end - now < ttl { ttl = max(.seconds(1), end - now) }
      let expires = now + ttl
      let account = try run.write { (tx) throws -> Account in
        guard var current = try tx.account(id: a.id), current.passwordHash == stored
        else { throw FlowError.tryLater("the account changed while logging in; try again") }
        try ctx.startSession(
          run, tx, Session(id: sessionID, userID: a.id, createdAt: now, expiresAt: expires),
          of: current)
        PasswordAttempt.recordLogin(&current, at: now, newHash: newHash)
        try tx.updateAccount(current)
        try run.queueTelegram(
          tx, "login", to: current, TelegramTemplates.newLogin(email: current.email, at: now),
          optional: true)
        try run.succeeded(
          tx, current, detail: newHash == nil ? nil : "rehashed at the configured cost")
        return current
      }
      let token = try ctx.signer.sign(
        purpose: .session, email: account.email, userID: account.id, issuedAt: now,
        lifetime: ttl, sessionID: sessionID)
      do {
        try file.write(token)
      } catch {
        _ = try? ctx.store.write { tx in
          try tx.revokeSession(id: sessionID, at: ctx.now(), reason: "session file not written")
        }
        throw error
      }
      return Result(
        account: account, sessionID: sessionID, expiresAt: expires, rehashed: newHash != nil)
    }
  }

  /// An operator required a new password (`users require-reset`) and the person just proved
  /// the old one: a reset token and code are mailed, as `recover` mails them, in the
  /// transaction that settles the attempt and records the refusal (`CommitAndRefuse`); the
  /// refusal (77) then says to use them.
  func mailRequiredReset(_ run: FlowRun, _ a: Account, _ refusal: FlowError) throws -> Never {
    let electric =
      ctx.settings.appURL == nil ? nil : try ElectricMail.make(a.email, hasher: ctx.hasher)
    try run.write { (tx) throws -> Never in
      guard var current = try tx.account(id: a.id) else {
        throw FlowError.noSuchAccount("no account with email \(a.email)")
      }
      PasswordAttempt.clear(&current)
      try tx.updateAccount(current)
      try Recover(ctx).queueReset(run, tx, current, electric: electric)
      throw CommitAndRefuse(
        FlowError.refused(
          "\(refusal.message): a reset token and code were mailed to \(a.email); "
            + "set a new password with 'authctl reset -' and the code, then log in"))
    }
  }
}

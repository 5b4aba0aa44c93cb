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
      if attempt.account.activatedAt == nil {
        try attempt.right()
        throw FlowError.refused(
          "account \(email) is not confirmed; confirm it with the mailed token first")
      }
      if attempt.account.disabledAt != nil {
        try attempt.right()
        throw FlowError.refused("account \(email) is disabled")
      }
      let newHash = ctx.hasher.needsRehash(stored) ? try ctx.hasher.hash(password) : nil
      let sessionID = try Random.uuid4()
      let now = ctx.now()
      let ttl = ctx.settings.sessionTTL.wholeSeconds
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
}

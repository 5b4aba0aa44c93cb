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
  /// lock the account for `AUTHCTL_LOCKOUT_DURATION`).
  public func run(_ rawEmail: String, password: String, file: SessionFile) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    return try ctx.audited("login", email: email) {
      guard let a = try ctx.store.read({ try $0.account(email: email) }) else {
        throw FlowError.noSuchAccount("no account with email \(email)")
      }
      if a.isLocked(now: ctx.now()) {
        throw FlowError.refused(
          "account \(email) is locked until \(a.lockedUntil ?? "") after too many failed logins")
      }
      guard let stored = a.passwordHash, !stored.isEmpty,
        ctx.hasher.verify(password, against: stored)
      else {
        throw try failure(a, hasPassword: a.hasPassword)
      }
      if a.activatedAt == nil {
        throw FlowError.refused(
          "account \(email) is not confirmed; confirm it with the mailed token first")
      }
      if a.disabledAt != nil { throw FlowError.refused("account \(email) is disabled") }
      let newHash = ctx.hasher.needsRehash(stored) ? try ctx.hasher.hash(password) : nil
      let sessionID = try Random.uuid4()
      let now = ctx.now()
      let ttl = ctx.config.duration("AUTHCTL_SESSION_TTL")
      let expires = Timestamp.format(now + ttl)
      let account = try ctx.store.write { (tx) throws -> Account in
        guard var current = try tx.account(id: a.id), current.passwordHash == stored
        else { throw FlowError.tryLater("the account changed while logging in; try again") }
        let nowText = Timestamp.format(now)
        try ctx.startSession(
          tx, Session(id: sessionID, userID: a.id, createdAt: nowText, expiresAt: expires),
          of: current)
        current.lastLoginAt = nowText
        current.failedLogins = 0
        current.lockedUntil = nil
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

  /// Counts a failed login in its own transaction (committed), locking at the threshold, and
  /// returns the refusal to throw.
  func failure(_ a: Account, hasPassword: Bool) throws -> FlowError {
    let threshold = ctx.config.int("AUTHCTL_LOCKOUT_THRESHOLD")
    let duration = ctx.config.duration("AUTHCTL_LOCKOUT_DURATION")
    let locked = try ctx.store.write { (tx) throws -> Bool in
      guard var current = try tx.account(id: a.id) else { return false }
      current.failedLogins += 1
      var locked = false
      if current.failedLogins >= threshold {
        current.lockedUntil = Timestamp.format(ctx.now() + duration)
        current.failedLogins = 0
        locked = true
      }
      try tx.updateAccount(current)
      if locked {
        try ctx.audit(tx, "lockout", current, ok: false, reason: "\(threshold) failed logins")
      }
      return locked
    }
    let why =
      hasPassword ? "wrong password" : "the account has no password yet (run 'authctl recover')"
    if locked {
      return .refused(
        "\(why); account \(a.email) is now locked for \(DurationText.format(duration)) after \(threshold) failed logins"
      )
    }
    return .refused(why)
  }
}

/// The session of the session file, checked against the database (issue 5): a session that
/// was revoked, expired, or predates a password change, reset or disable is refused even when
/// the file still holds its token.
public struct CurrentSession {
  public var account: Account
  public var session: Session
  public var status: AccountStatus

  /// Loads and checks the current session; every refusal is 77.
  public static func load(_ ctx: FlowContext, file: SessionFile) throws -> CurrentSession {
    guard let token = try file.read() else {
      throw FlowError.refused("not logged in (no session file at \(file.path))")
    }
    let now = ctx.now()
    let claims: TokenClaims
    let signer = try ctx.signer
    do throws(TokenError) {
      claims = try signer.verify(token, purpose: .session, now: now)
    } catch {
      throw FlowError.refused(
        error == .expired
          ? "not logged in: the session expired; log in again"
          : "not logged in: invalid session token")
    }
    // One snapshot for both rows; the checks below keep their order.
    let (found, account) = try ctx.store.read { tx in
      (try claims.sessionID.flatMap { try tx.session(id: $0) }, try tx.account(id: claims.userID))
    }
    guard let session = found, session.userID == claims.userID
    else { throw FlowError.refused("not logged in: unknown session; log in again") }
    if session.revokedAt != nil {
      throw FlowError.refused(
        "not logged in: the session was ended (\(session.revokedReason ?? "logout")); log in again")
    }
    guard let a = account, a.email == claims.email else {
      throw FlowError.refused("not logged in: the account no longer exists")
    }
    // Disabled, expired, not yet valid: the session ends with the account's standing (a
    // session ends when its account expires, so that is said rather than the session's end).
    if let refusal = AccountAccess.sessionRefusal(a, now: now) { throw refusal }
    if session.expiresAt <= now {
      throw FlowError.refused("not logged in: the session expired; log in again")
    }
    if let changed = a.securityChangedAt, changed > session.createdAt {
      throw FlowError.refused(
        "not logged in: the password changed since this session began; log in again")
    }
    return CurrentSession(account: a, session: session, status: a.status(now: now))
  }
}

/// `authctl logout [--all]` (issue 5).
public struct Logout {
  public struct Result {
    public var email: String?
    public var ended: Int
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Revokes the session (every session of the account with `all`) and removes the file. A
  /// file whose session already ended is removed, and that is said.
  public func run(file: SessionFile, all: Bool) throws -> Result {
    let current: CurrentSession
    do {
      current = try CurrentSession.load(ctx, file: file)
    } catch let e as FlowError {
      guard try file.read() != nil, !all else { throw e }
      try file.remove()
      return Result(email: nil, ended: 0)
    }
    let ended = try ctx.run("logout", email: current.account.email) { run in
      try run.write { (tx) throws -> Int in
        let now = ctx.now()
        let n =
          all
          ? try tx.revokeSessions(userID: current.account.id, at: now, reason: "logout --all")
          : (try tx.revokeSession(id: current.session.id, at: now, reason: "logout")
            ? 1 : 0)
        try run.succeeded(tx, current.account, detail: all ? "all sessions (\(n))" : nil)
        return n
      }
    }
    try file.remove()
    return Result(email: current.account.email, ended: ended)
  }
}

/// `authctl passwd` (issue 5): the original's two steps, finished. Step one checks the
/// current password and mails a 6-digit code; step two takes the code and the new password,
/// sets it, ends every session and removes the session file.
public struct ChangePassword {
  static let purpose = "passwd"
  static func codeContext(userID: String) -> String { "passwd:\(userID)" }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Step one: the current password, then a code is mailed. A locked account is refused
  /// before the password is checked, and a wrong one counts toward the lockout, as at login.
  public func request(file: SessionFile, currentPassword: String) throws -> DeliveryReport {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    return try ctx.audited("passwd.request", email: a.email) {
      // As login: reserved before bcrypt and refused while locked; a wrong current password
      // counts toward the lockout (`PasswordAttempt`).
      let (_, stored) = try PasswordAttempt.verify(ctx, a, password: currentPassword)
      let ttl = ctx.settings.codeTTL.wholeSeconds
      var ids: [Int64] = []
      try ctx.store.write { tx in
        guard var fresh = try tx.account(id: a.id), fresh.passwordHash == stored
        else { throw FlowError.tryLater("the account changed meanwhile; try again") }
        PasswordAttempt.clear(&fresh)
        try tx.updateAccount(fresh)
        let now = ctx.now()
        let code = try Random.digits(6)
        try tx.replaceCode(
          userID: a.id, purpose: Self.purpose,
          codeHash: CodeHash.make(
            key: ctx.keys.codeKey, code: code, context: Self.codeContext(userID: a.id)),
          createdAt: Timestamp.format(now), expiresAt: Timestamp.format(now + ttl))
        ids.append(
          try ctx.queueMail(
            tx,
            "passwd-code", to: a, MailTemplates.passwdCode(email: a.email, code: code, ttl: ttl)))
        try ctx.audit(tx, "passwd.request", a)
      }
      return try ctx.mailer.deliver(ctx.store, ids: ids)
    }
  }

  /// Step two: the mailed code and the new password.
  public func commit(file: SessionFile, code rawCode: String, newPassword: String) throws
    -> DeliveryReport
  {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    let code = try CodeCheck.validateShape(rawCode)
    let password = try ctx.policy.check(newPassword, email: a.email)
    let hash = try ctx.hasher.hash(password)
    enum Outcome {
      case done([Int64])
      case refused(String)
    }
    let outcome = try ctx.audited("passwd", email: a.email) {
      try ctx.store.write { (tx) throws -> Outcome in
        guard var fresh = try tx.account(id: a.id) else {
          throw FlowError.refused("not logged in: the account no longer exists")
        }
        switch try CodeCheck.check(
          ctx, tx, userID: a.id, purpose: Self.purpose, context: Self.codeContext(userID: a.id),
          code: code, expectedHash: nil)
        {
        case .refused(let why): return .refused(why)
        case .ok(let row):
          let now = Timestamp.format(ctx.now())
          try tx.markCodeUsed(id: row.id, at: now)
          try ctx.setPassword(tx, &fresh, hash: hash, generated: false, reason: "password changed")
          let id = try ctx.queueMail(
            tx, "passwd", to: a, MailTemplates.passwordChanged(email: a.email))
          try ctx.audit(tx, "passwd", fresh)
          return .done([id])
        }
      }
    }
    switch outcome {
    case .refused(let why):
      throw ctx.refuse(FlowError.refused(why), event: "passwd", a, reason: why)
    case .done(let ids):
      try file.remove()
      return try ctx.mailer.deliver(ctx.store, ids: ids)
    }
  }
}

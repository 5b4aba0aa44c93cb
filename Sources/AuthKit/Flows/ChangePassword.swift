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
  @discardableResult
  public func request(file: SessionFile, currentPassword: String) throws -> DeliveryReport {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    return try ctx.run("passwd.request", email: a.email) { run in
      // As login: reserved before bcrypt and refused while locked; a wrong current password
      // counts toward the lockout (`PasswordAttempt`).
      let (_, stored) = try PasswordAttempt.verify(run, a, password: currentPassword)
      let ttl = ctx.settings.codeTTL
      try run.write { tx in
        guard var fresh = try tx.account(id: a.id), fresh.passwordHash == stored
        else { throw FlowError.tryLater("the account changed meanwhile; try again") }
        PasswordAttempt.clear(&fresh)
        try tx.updateAccount(fresh)
        let now = ctx.now()
        let code = try Random.digits(6)
        try tx.replaceCode(
          userID: a.id, purpose: Self.purpose,
          codeHash: CodeHash.make(
            key: try ctx.keys.codeKey, code: code, context: Self.codeContext(userID: a.id)),
          createdAt: now, expiresAt: now + ttl)
        let notice = NotificationTemplates.passwdCode(
          email: a.email, code: code, ttl: ttl.wholeSeconds)
        if let chat = try run.codeChat(tx, a) {
          // Linked and preferring Telegram: the code goes there, the mail only says so.
          try run.queueTelegram(tx, "passwd-code", to: a, chat: chat, notice)
          try run.queue(
            tx, "passwd-code", to: a, TelegramTemplates.codeSentToTelegram(email: a.email))
        } else {
          try run.queue(tx, "passwd-code", to: a, notice)
        }
        try run.succeeded(tx, a)
      }
      return run.delivery
    }
  }

  /// Step two: the mailed code and the new password. A wrong code is counted and refused
  /// (`CodeCheck`).
  @discardableResult
  public func commit(file: SessionFile, code rawCode: String, newPassword: String) throws
    -> DeliveryReport
  {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    let code = try CodeCheck.validateShape(rawCode)
    let password = try ctx.checkNewPassword(newPassword, email: a.email)
    let hash = try ctx.hasher.hash(password)
    let delivery = try ctx.run("passwd", email: a.email) { run in
      try run.write { tx in
        guard var fresh = try tx.account(id: a.id) else {
          throw FlowError.refused("not logged in: the account no longer exists")
        }
        run.about(a)
        let row = try CodeCheck.check(
          ctx, tx, userID: a.id, purpose: Self.purpose, context: Self.codeContext(userID: a.id),
          code: code, expectedHash: nil)
        try tx.markCodeUsed(id: row.id, at: ctx.now())
        try ctx.setPassword(tx, &fresh, hash: hash, generated: false, reason: "password changed")
        try run.queue(tx, "passwd", to: a, NotificationTemplates.passwordChanged(email: a.email))
        try run.queueTelegram(
          tx, "passwd", to: a, NotificationTemplates.passwordChanged(email: a.email))
        try run.succeeded(tx, fresh)
      }
      return run.delivery
    }
    try file.remove()
    return delivery
  }
}

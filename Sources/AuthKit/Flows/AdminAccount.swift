/// The operator's commands that need keys or mail: `users confirm [--notify]` and
/// `users set-password (--password-stdin | --generate)` (issue 6).
public struct AdminAccount {
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Confirms an account without a token; with `notify`, mails the account-activated notice.
  /// Returns nil, or why nothing changed, and the delivery.
  public func confirm(_ key: String, notify: Bool) throws -> (
    unchanged: String?, delivery: DeliveryReport
  ) {
    var ids: [Int64] = []
    let unchanged = try ctx.db.write { () throws -> String? in
      var a = try Accounts.lookup(ctx.db, key)
      if a.activatedAt != nil { return "already confirmed" }
      let now = Timestamp.format(ctx.now())
      a.activatedAt = now
      a.updatedAt = now
      try AccountStore.update(ctx.db, a)
      if notify {
        ids.append(try ctx.queueMail("activated", to: a, MailTemplates.activated(email: a.email)))
      }
      try ctx.audit("admin.confirm", a)
      return nil
    }
    return (unchanged, try ctx.mailer.deliver(ctx.db, ids: ids))
  }

  /// Sets a password: the chosen one (rules apply), or a generated one that is mailed. Ends
  /// every session of the account and clears the lockout.
  public func setPassword(_ key: String, chosen: String?) throws -> (
    account: Account, delivery: DeliveryReport
  ) {
    let email = try Accounts.lookup(ctx.db, key).email
    let password =
      try chosen.map { c throws(PasswordRejection) in try ctx.policy.check(c, email: email) }
      ?? PasswordPolicy.generate()
    let hash = try ctx.hasher.hash(password)
    var ids: [Int64] = []
    let account = try ctx.db.write { () throws -> Account in
      var a = try Accounts.lookup(ctx.db, key)
      try ctx.setPassword(
        &a, hash: hash, generated: chosen == nil, reason: "password set by operator")
      if chosen == nil {
        ids.append(
          try ctx.queueMail(
            "set-password", to: a,
            MailTemplates.newPassword(
              email: a.email, password: password, reason: "An operator set a new password.")))
      }
      try ctx.audit("admin.set-password", a, detail: chosen == nil ? "generated, mailed" : "chosen")
      return a
    }
    return (account, try ctx.mailer.deliver(ctx.db, ids: ids))
  }
}

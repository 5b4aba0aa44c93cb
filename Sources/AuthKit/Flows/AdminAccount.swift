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
    let unchanged = try ctx.store.write { (tx) throws -> String? in
      var a = try Accounts.lookup(tx, key)
      if a.activatedAt != nil { return "already confirmed" }
      let now = Timestamp.format(ctx.now())
      a.activatedAt = now
      a.updatedAt = now
      try tx.updateAccount(a)
      if notify {
        ids.append(
          try ctx.queueMail(tx, "activated", to: a, MailTemplates.activated(email: a.email)))
      }
      try ctx.audit(tx, "admin.confirm", a)
      return nil
    }
    return (unchanged, try ctx.mailer.deliver(ctx.store, ids: ids))
  }

  /// Sets a password: the chosen one (rules apply), or a generated one that is mailed. Ends
  /// every session of the account and clears the lockout.
  public func setPassword(_ key: String, chosen: String?) throws -> (
    account: Account, delivery: DeliveryReport
  ) {
    let email = try ctx.store.read { try Accounts.lookup($0, key) }.email
    let password =
      try chosen.map { c throws(PasswordRejection) in try ctx.policy.check(c, email: email) }
      ?? PasswordPolicy.generate()
    let hash = try ctx.hasher.hash(password)
    var ids: [Int64] = []
    let account = try ctx.store.write { (tx) throws -> Account in
      var a = try Accounts.lookup(tx, key)
      try ctx.setPassword(
        tx,
        &a, hash: hash, generated: chosen == nil, reason: "password set by operator")
      if chosen == nil {
        ids.append(
          try ctx.queueMail(
            tx,
            "set-password", to: a,
            MailTemplates.newPassword(
              email: a.email, password: password, reason: "An operator set a new password.")))
      }
      try ctx.audit(
        tx, "admin.set-password", a, detail: chosen == nil ? "generated, mailed" : "chosen")
      return a
    }
    return (account, try ctx.mailer.deliver(ctx.store, ids: ids))
  }
}

/// The operator's commands that need keys or mail: `users confirm [--notify]` and
/// `users set-password (--password-stdin | --generate)` (issue 6).
extension Admin {
  /// Confirms an account without a token; with `notify`, mails the account-activated notice.
  /// Returns nil, or why nothing changed, and the delivery.
  @discardableResult
  public func confirm(_ key: String, notify: Bool) throws -> (
    unchanged: String?, delivery: DeliveryReport
  ) {
    try ctx.run("admin.confirm", email: key) { run in
      let unchanged = try run.write { (tx) throws -> String? in
        var a = try Accounts.lookup(tx, key)
        if a.activatedAt != nil { return "already confirmed" }
        let now = ctx.now()
        a.activatedAt = now
        a.updatedAt = now
        try tx.updateAccount(a)
        if notify {
          try run.queue(tx, "activated", to: a, NotificationTemplates.activated(email: a.email))
        }
        try run.succeeded(tx, a)
        return nil
      }
      return (unchanged, run.delivery)
    }
  }

  /// Sets a password: the chosen one (rules apply), or a generated one that is mailed. Ends
  /// every session of the account and clears the lockout.
  @discardableResult
  public func setPassword(_ key: String, chosen: String?) throws -> (
    account: Account, delivery: DeliveryReport
  ) {
    let email = try ctx.store.read { try Accounts.lookup($0, key) }.email
    let password =
      try chosen.map { try ctx.checkNewPassword($0, email: email) }
      ?? PasswordPolicy.generate()
    let hash = try ctx.hasher.hash(password)
    return try ctx.run("admin.set-password", email: email) { run in
      let account = try run.write { (tx) throws -> Account in
        var a = try Accounts.lookup(tx, key)
        try ctx.setPassword(
          tx, &a, hash: hash, generated: chosen == nil, reason: "password set by operator")
        if chosen == nil {
          try run.queue(
            tx, "set-password", to: a,
            NotificationTemplates.newPassword(
              email: a.email, password: password, reason: "An operator set a new password."))
        }
        try run.queueTelegram(
          tx, "set-password", to: a, NotificationTemplates.passwordChanged(email: a.email))
        try run.succeeded(tx, a, detail: chosen == nil ? "generated, mailed" : "chosen")
        return a
      }
      return (account, run.delivery)
    }
  }
}

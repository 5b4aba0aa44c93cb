/// The operator's commands over one account (issue 6): `users show`, `disable`, `enable`,
/// `unlock`, `delete` here, and `confirm` and `set-password` (`Admin+Password`). Each change is
/// one run of the kernel: one write transaction with its audit event, a refusal recorded.
public struct Admin {
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  public func show(_ key: String) throws -> AccountDetails {
    let now = ctx.now()
    return try ctx.store.read { tx in
      let a = try Accounts.lookup(tx, key, orID: true)
      let live = try tx.liveSessionCount(userID: a.id, now: now)
      return AccountDetails(
        account: a, status: a.status(now: now), liveSessions: live,
        telegram: try tx.telegramLink(userID: a.id), now: now)
    }
  }

  /// Runs `change` on the named account inside one write transaction and records `event`.
  /// `change` returns nil when it changed the account, or the reason nothing was to be done;
  /// then `notify` queues what the change tells its owner.
  @discardableResult
  func change(
    _ key: String, event: String, detail: String? = nil,
    notify: (FlowRun, any StoreTransaction, Account) throws -> Void = { _, _, _ in },
    _ change: (any StoreTransaction, inout Account, Instant) throws -> String?
  ) throws -> (account: Account, unchanged: String?) {
    try ctx.run(event, email: key) { run in
      try run.write { tx in
        let now = ctx.now()
        var a = try Accounts.lookup(tx, key)
        let unchanged = try change(tx, &a, now)
        if unchanged == nil {
          a.updatedAt = now
          try tx.updateAccount(a)
          try notify(run, tx, a)
        }
        try run.succeeded(tx, a, reason: unchanged, detail: detail)
        return (a, unchanged)
      }
    }
  }

  /// Disables an account and ends its sessions. A new stamp and `security_changed_at` kill
  /// every token mailed before (confirmation and reset, authctl's and the original app's), so
  /// a later `users enable` does not bring them back. Returns nil, or why nothing changed.
  @discardableResult
  public func disable(_ key: String) throws -> String? {
    let notice = { (run: FlowRun, tx: any StoreTransaction, a: Account) throws in
      try run.queueTelegram(
        tx, "disabled", to: a, TelegramTemplates.accountDisabled(email: a.email), optional: true)
    }
    return try change(key, event: "admin.disable", notify: notice) { tx, a, now in
      if a.disabledAt != nil { return "already disabled" }
      a.disabledAt = now
      a.stamp = try ctx.newStamp()
      a.securityChangedAt = now
      try tx.revokeSessions(userID: a.id, at: now, reason: "disabled")
      return nil
    }.unchanged
  }

  @discardableResult
  public func enable(_ key: String) throws -> String? {
    try change(key, event: "admin.enable") { _, a, _ in
      if a.disabledAt == nil { return "not disabled" }
      a.disabledAt = nil
      return nil
    }.unchanged
  }

  @discardableResult
  public func unlock(_ key: String) throws -> String? {
    try change(key, event: "admin.unlock") { _, a, now in
      if !a.isLocked(now: now) && a.failedLogins == 0 { return "not locked" }
      a.lockedUntil = nil
      a.failedLogins = 0
      return nil
    }.unchanged
  }

  /// Deletes an account with its sessions, codes and outbox rows (failed ones too); audit events
  /// stay.
  @discardableResult
  public func delete(_ key: String) throws -> Account {
    try ctx.run("admin.delete", email: key) { run in
      try run.write { tx in
        let a = try Accounts.lookup(tx, key)
        try tx.deleteAccount(id: a.id)
        try run.succeeded(tx, a)
        return a
      }
    }
  }
}

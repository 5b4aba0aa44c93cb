/// What `users show` prints: every field of an account but its hash.
public struct AccountDetails: Sendable {
  public var account: Account
  public var status: AccountStatus
  public var liveSessions: Int

  /// Field names and values, in the order they are printed.
  public var fields: [(String, Any?)] {
    let a = account
    return [
      ("id", a.id), ("email", a.email), ("status", status.rawValue),
      ("created_at", a.createdAt), ("updated_at", a.updatedAt),
      ("activated_at", a.activatedAt), ("last_login_at", a.lastLoginAt),
      ("disabled_at", a.disabledAt), ("failed_logins", a.failedLogins),
      ("locked_until", a.isLocked(now: nowSeconds) ? a.lockedUntil : nil),
      ("live_sessions", liveSessions), ("has_password", a.hasPassword),
      ("password_generated", a.passwordGenerated),
    ]
  }
  var nowSeconds: Int64
}

/// The operator's commands over one account (issue 6). Each is one write transaction with its
/// audit event.
public struct Admin {
  public let store: any Store
  public let clock: Clock

  public init(store: any Store, clock: Clock) {
    self.store = store
    self.clock = clock
  }

  public func show(_ key: String) throws -> AccountDetails {
    let now = clock.now()
    return try store.read { tx in
      let a = try Accounts.lookup(tx, key, orID: true)
      let live = try tx.liveSessionCount(userID: a.id, now: Timestamp.format(now))
      return AccountDetails(
        account: a, status: a.status(now: now), liveSessions: live, nowSeconds: now)
    }
  }

  /// Runs `change` on the named account inside one write transaction and records `event`.
  /// `change` returns nil when it changed the account, or the reason nothing was to be done.
  @discardableResult
  func change(
    _ key: String, event: String,
    _ change: (any StoreTransaction, inout Account, String) throws -> String?
  ) throws -> (account: Account, unchanged: String?) {
    let nowText = Timestamp.format(clock.now())
    return try store.write { tx in
      var a = try Accounts.lookup(tx, key)
      let unchanged = try change(tx, &a, nowText)
      if unchanged == nil {
        a.updatedAt = nowText
        try tx.updateAccount(a)
      }
      try tx.record(
        AuditEvent(
          at: nowText, event: event, userID: a.id, email: a.email, ok: true, reason: unchanged))
      return (a, unchanged)
    }
  }

  /// Disables an account and ends its sessions. A new stamp and `security_changed_at` kill
  /// every token mailed before (confirmation and reset, authctl's and the original app's), so
  /// a later `users enable` does not bring them back. Returns nil, or why nothing changed.
  public func disable(_ key: String) throws -> String? {
    try change(key, event: "admin.disable") { tx, a, now in
      if a.disabledAt != nil { return "already disabled" }
      a.disabledAt = now
      a.stamp = Hex.encode(try Random.bytes(16))
      a.securityChangedAt = now
      try tx.revokeSessions(userID: a.id, at: now, reason: "disabled")
      return nil
    }.unchanged
  }

  public func enable(_ key: String) throws -> String? {
    try change(key, event: "admin.enable") { _, a, _ in
      if a.disabledAt == nil { return "not disabled" }
      a.disabledAt = nil
      return nil
    }.unchanged
  }

  public func unlock(_ key: String) throws -> String? {
    let now = clock.now()
    return try change(key, event: "admin.unlock") { _, a, _ in
      if !a.isLocked(now: now) && a.failedLogins == 0 { return "not locked" }
      a.lockedUntil = nil
      a.failedLogins = 0
      return nil
    }.unchanged
  }

  /// Deletes an account with its sessions, codes and outbox rows (failed ones too); audit events
  /// stay.
  public func delete(_ key: String) throws -> Account {
    let nowText = Timestamp.format(clock.now())
    return try store.write { tx in
      let a = try Accounts.lookup(tx, key)
      try tx.deleteAccount(id: a.id)
      try tx.record(AuditEvent(at: nowText, event: "admin.delete", userID: a.id, email: a.email))
      return a
    }
  }
}

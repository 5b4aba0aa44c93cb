/// `authctl register EMAIL [--password-stdin]` (issue 5).
public struct Register {
  public enum Outcome: Sendable {
    /// A new account was created (exit 0).
    case created
    /// Registered and not confirmed: a fresh confirmation replaced the old (exit 65).
    case resent
    /// Registered and confirmed: the owner was mailed a notice (exit 65).
    case exists
  }

  public struct Result {
    public var outcome: Outcome
    public var account: Account
    public var delivery: DeliveryReport
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Registers `rawEmail`; `chosenPassword` is the person's own (checked against the rules and
  /// never mailed), else a password is generated and mailed, as the original app does.
  public func run(_ rawEmail: String, chosenPassword: String?) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    // Slow work before the write lock (DESIGN.md): check and hash the password, hash the
    // email for the original app's link.
    let password: String
    let generated: String?
    if let chosen = chosenPassword {
      password = try ctx.policy.check(chosen, email: email)
      generated = nil
    } else {
      password = try PasswordPolicy.generate()
      generated = password
    }
    let hash = try ctx.hasher.hash(password)
    let appURL = ctx.settings.appURL
    let electric = appURL == nil ? nil : try ElectricMail.make(email, hasher: ctx.hasher)
    let ttl = ctx.settings.confirmTTL.wholeSeconds

    var ids: [Int64] = []
    let (outcome, account) = try ctx.audited("register", email: email) {
      try ctx.store.write { (tx) throws -> (Outcome, Account) in
        let now = ctx.now()
        let nowText = Timestamp.format(now)
        if var a = try tx.account(email: email) {
          if a.activatedAt != nil {
            ids.append(try ctx.queueMail(tx, "exists", to: a, MailTemplates.exists(email: email)))
            try ctx.audit(tx, "register", a, ok: false, reason: "already registered and confirmed")
            return (.exists, a)
          }
          // Not confirmed: a fresh confirmation replaces the old one, whose token dies with
          // the new stamp. The earlier password goes whoever chose it: a password chosen at
          // registration is unproven until confirmation (no pre-hijacking, SECURITY.md §1),
          // so only the newest registration's password, chosen or generated, stands.
          a.stamp = try ctx.newStamp()
          a.passwordHash = hash
          a.passwordGenerated = generated != nil
          a.updatedAt = nowText
          try tx.updateAccount(a)
          ids.append(
            try queueConfirmation(
              tx, a, password: generated, electric: electric, ttl: ttl, now: now))
          try ctx.audit(
            tx,
            "register", a, ok: false, reason: "not confirmed yet: confirmation sent again")
          return (.resent, a)
        }
        let a = Account(
          id: try Random.uuid4(), email: email, passwordHash: hash, activatedAt: nil,
          createdAt: nowText, updatedAt: nowText, disabledAt: nil, failedLogins: 0,
          lockedUntil: nil, lastLoginAt: nil, passwordGenerated: generated != nil,
          stamp: try ctx.newStamp())
        try tx.insertAccount(a)
        ids.append(
          try queueConfirmation(tx, a, password: generated, electric: electric, ttl: ttl, now: now))
        try ctx.audit(tx, "register", a)
        return (.created, a)
      }
    }
    let delivery = try ctx.mailer.deliver(ctx.store, ids: ids)
    return Result(outcome: outcome, account: account, delivery: delivery)
  }

  func queueConfirmation(
    _ tx: any StoreTransaction, _ a: Account, password: String?, electric: String?, ttl: Int64,
    now: Int64
  ) throws -> Int64 {
    let token = try ctx.signer.sign(
      purpose: .activateAccount, email: a.email, userID: a.id, issuedAt: now, lifetime: ttl,
      fingerprint: ctx.fingerprint(a))
    let link = MailTemplates.link(
      ctx.settings.appURL, "activate_account", electricMail: electric, token: token)
    return try ctx.queueMail(
      tx,
      "confirm", to: a,
      MailTemplates.confirm(
        email: a.email, token: token, link: link, password: password, ttl: ttl))
  }
}

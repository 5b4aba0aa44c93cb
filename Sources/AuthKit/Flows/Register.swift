/// `authctl register EMAIL [--password-stdin]` (issue 5).
public struct Register {
  public struct Result {
    /// The new account.
    public var account: Account
    public var delivery: DeliveryReport
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Registers `rawEmail`; `chosenPassword` is the person's own (checked against the rules and
  /// never mailed), else a password is generated and mailed, as the original app does.
  ///
  /// An address already registered is refused (65) after its mail is sent: not confirmed, a
  /// fresh confirmation replaces the old; confirmed, the owner is mailed a notice.
  @discardableResult
  public func run(_ rawEmail: String, chosenPassword: String?) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    // Slow work before the write lock (DESIGN.md): check and hash the password, hash the
    // email for the original app's link.
    let password: String
    let generated: String?
    if let chosen = chosenPassword {
      password = try ctx.checkNewPassword(chosen, email: email)
      generated = nil
    } else {
      password = try PasswordPolicy.generate()
      generated = password
    }
    let hash = try ctx.hasher.hash(password)
    let appURL = ctx.settings.appURL
    let electric = appURL == nil ? nil : try ElectricMail.make(email, hasher: ctx.hasher)
    let ttl = ctx.settings.confirmTTL

    return try ctx.run("register", email: email) { run in
      let account = try run.write { (tx) throws -> Account in
        let now = ctx.now()
        if var a = try tx.account(email: email) {
          run.about(a)
          if a.activatedAt != nil {
            try run.queue(tx, "exists", to: a, NotificationTemplates.exists(email: email))
            throw CommitAndRefuse(
              FlowError.invalidInput(
                "\(a.email) already has an account; its owner was mailed a notice"))
          }
          // Not confirmed: a fresh confirmation replaces the old one, whose token dies with
          // the new stamp. The earlier password goes whoever chose it: a password chosen at
          // registration is unproven until confirmation (no pre-hijacking, SECURITY.md §1),
          // so only the newest registration's password, chosen or generated, stands.
          a.stamp = try ctx.newStamp()
          a.passwordHash = hash
          a.passwordGenerated = generated != nil
          a.updatedAt = now
          try tx.updateAccount(a)
          try queueConfirmation(
            run, tx, a, password: generated, electric: electric, ttl: ttl, now: now)
          throw CommitAndRefuse(
            FlowError.invalidInput(
              "\(a.email) is registered but not confirmed: a new confirmation was mailed and the old one no longer works"
            ))
        }
        let a = Account(
          id: try Random.uuid4(), email: email, passwordHash: hash, activatedAt: nil,
          createdAt: now, updatedAt: now, disabledAt: nil, failedLogins: 0,
          lockedUntil: nil, lastLoginAt: nil, passwordGenerated: generated != nil,
          stamp: try ctx.newStamp())
        try tx.insertAccount(a)
        try queueConfirmation(
          run, tx, a, password: generated, electric: electric, ttl: ttl, now: now)
        try run.succeeded(tx, a)
        return a
      }
      return Result(account: account, delivery: run.delivery)
    }
  }

  func queueConfirmation(
    _ run: FlowRun, _ tx: any StoreTransaction, _ a: Account, password: String?,
    electric: String?, ttl: Duration, now: Instant
  ) throws {
    let token = try ctx.signer.sign(
      purpose: .activateAccount, email: a.email, userID: a.id, issuedAt: now,
      lifetime: ttl, fingerprint: try ctx.fingerprint(a))
    let link = NotificationTemplates.link(
      ctx.settings.appURL, "activate_account", electricMail: electric, token: token)
    try run.queue(
      tx, "confirm", to: a,
      NotificationTemplates.confirm(
        email: a.email, token: token, link: link, password: password, ttl: ttl.wholeSeconds))
  }
}

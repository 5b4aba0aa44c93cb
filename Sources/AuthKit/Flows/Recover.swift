/// `authctl recover EMAIL` (issue 5): mails a reset token and a 6-digit code to a confirmed
/// account. The token carries only a keyed hash of the code; the code row counts attempts.
public struct Recover {
  public struct Result {
    public var account: Account
    public var delivery: DeliveryReport
  }

  static let purpose = "reset"
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// The context a reset code's keyed hash is bound to: the account and its code row.
  static func codeContext(userID: String) -> String { "reset:\(userID)" }

  public func run(_ rawEmail: String) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    let appURL = ctx.settings.appURL
    let electric = appURL == nil ? nil : try ElectricMail.make(email, hasher: ctx.hasher)
    let ttl = ctx.settings.resetTTL.wholeSeconds
    var ids: [Int64] = []
    let account = try ctx.audited("recover", email: email) {
      try ctx.store.write { (tx) throws -> Account in
        guard let a = try tx.account(email: email) else {
          throw FlowError.noSuchAccount("no account with email \(email)")
        }
        if a.activatedAt == nil {
          throw FlowError.refused(
            "account \(email) is not confirmed; confirm it first (run 'authctl register \(email)' for a new confirmation)"
          )
        }
        if a.disabledAt != nil {
          throw FlowError.refused("account \(email) is disabled")
        }
        let now = ctx.now()
        let code = try Random.digits(6)
        let codeHash = CodeHash.make(
          key: ctx.keys.codeKey, code: code, context: Self.codeContext(userID: a.id))
        try tx.replaceCode(
          userID: a.id, purpose: Self.purpose, codeHash: codeHash,
          createdAt: Timestamp.format(now), expiresAt: Timestamp.format(now + ttl))
        let token = try ctx.signer.sign(
          purpose: .resetPassword, email: a.email, userID: a.id, issuedAt: now, lifetime: ttl,
          fingerprint: ctx.fingerprint(a), codeHash: codeHash)
        let link = MailTemplates.link(
          appURL, "reset_password", electricMail: electric, token: token)
        ids.append(
          try ctx.queueMail(
            tx,
            "recover", to: a,
            MailTemplates.recover(
              email: a.email, token: token, code: code, link: link, ttl: ttl)))
        try ctx.audit(tx, "recover", a)
        return a
      }
    }
    return Result(account: account, delivery: try ctx.mailer.deliver(ctx.store, ids: ids))
  }
}

/// `authctl confirm TOKEN|URL` (issue 5).
public struct Confirm {
  public struct Result {
    public var account: Account
    public var delivery: DeliveryReport
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  public func run(_ input: String) throws -> Result {
    let parsed = try TokenInput.parse(input)
    let claims: TokenClaims
    do {
      claims = try ctx.signer.verify(parsed.token, purpose: .activateAccount, now: ctx.now())
    } catch {
      let reason =
        error == .expired
        ? "token expired; run 'authctl register EMAIL' again for a new confirmation"
        : error.message
      throw ctx.refuse(
        FlowError.refused(reason), event: "confirm", nil, reason: error.message)
    }
    try ctx.audited("confirm", email: claims.email) {
      try parsed.checkElectricMail(claims.email, configuredCost: ctx.hasher.cost)
    }
    var ids: [Int64] = []
    let account = try ctx.audited("confirm", email: claims.email) {
      try ctx.store.write { (tx) throws -> Account in
        guard var a = try tx.account(id: claims.userID), a.email == claims.email
        else {
          throw FlowError.noSuchAccount(
            "no account \(claims.email) any more (unconfirmed accounts are purged); register again")
        }
        if a.activatedAt != nil { throw FlowError.refused("account \(a.email) already confirmed") }
        if let fp = claims.fingerprint {
          guard constantTimeEquals(Array(fp.utf8), Array(ctx.fingerprint(a).utf8)) else {
            throw FlowError.refused("invalid token: a newer confirmation was mailed; use that one")
          }
        }
        let now = Timestamp.format(ctx.now())
        a.activatedAt = now
        a.updatedAt = now
        try tx.updateAccount(a)
        ids.append(
          try ctx.queueMail(tx, "activated", to: a, MailTemplates.activated(email: a.email)))
        try ctx.audit(tx, "confirm", a)
        return a
      }
    }
    return Result(account: account, delivery: try ctx.mailer.deliver(ctx.store, ids: ids))
  }
}

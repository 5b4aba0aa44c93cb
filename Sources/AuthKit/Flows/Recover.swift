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

  @discardableResult
  public func run(_ rawEmail: String) throws -> Result {
    let email = try EmailAddress.normalize(rawEmail)
    let appURL = ctx.settings.appURL
    let electric = appURL == nil ? nil : try ElectricMail.make(email, hasher: ctx.hasher)
    return try ctx.run("recover", email: email) { run in
      let account = try run.write { (tx) throws -> Account in
        guard let a = try tx.account(email: email) else {
          throw FlowError.noSuchAccount("no account with email \(email)")
        }
        if a.activatedAt == nil {
          throw FlowError.refused(
            "account \(email) is not confirmed; confirm it first (run 'authctl register \(email)' for a new confirmation)"
          )
        }
        if let refusal = AccountAccess.recoveryRefusal(a, now: ctx.now()) { throw refusal }
        try queueReset(run, tx, a, electric: electric)
        try run.succeeded(tx, a)
        return a
      }
      return Result(account: account, delivery: run.delivery)
    }
  }

  /// Queues the reset mail of `a` in the caller's transaction: a new code row replaces any
  /// earlier one, and the token carries its keyed hash.
  func queueReset(_ run: FlowRun, _ tx: any StoreTransaction, _ a: Account, electric: String?)
    throws
  {
    let now = ctx.now()
    let ttl = ctx.settings.resetTTL
    let code = try Random.digits(6)
    let codeHash = CodeHash.make(
      key: try ctx.keys.codeKey, code: code, context: Self.codeContext(userID: a.id))
    try tx.replaceCode(
      userID: a.id, purpose: Self.purpose, codeHash: codeHash, createdAt: now,
      expiresAt: now + ttl)
    let token = try ctx.signer.sign(
      purpose: .resetPassword, email: a.email, userID: a.id, issuedAt: now,
      lifetime: ttl, fingerprint: try ctx.fingerprint(a), codeHash: codeHash)
    let link = NotificationTemplates.link(
      ctx.settings.appURL, "reset_password", electricMail: electric, token: token)
    // Linked and preferring Telegram: the code goes there; the token stays in the mail, so a
    // reset needs both the mailbox and the chat.
    let chat = try run.codeChat(tx, a)
    if let chat {
      try run.queueTelegram(
        tx, "recover", to: a, chat: chat,
        TelegramTemplates.resetCode(email: a.email, code: code, ttl: ttl.wholeSeconds))
    }
    try run.queue(
      tx, "recover", to: a,
      NotificationTemplates.recover(
        email: a.email, token: token, code: chat == nil ? code : nil, link: link,
        ttl: ttl.wholeSeconds))
  }
}

/// `authctl reset TOKEN|URL [--code CODE] [--password-stdin]` (issue 5).
public struct Reset {
  public struct Result {
    public var account: Account
    public var generated: Bool
    public var sessionsEnded: Int
    public var delivery: DeliveryReport
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Verifies the token, then the code; sets the chosen password, or a generated one that is
  /// mailed. Clears the lockout and ends every session. Single use.
  public func run(_ input: String, code rawCode: String, chosenPassword: String?) throws -> Result {
    let parsed = try TokenInput.parse(input)
    let claims: TokenClaims
    do {
      claims = try ctx.signer.verify(parsed.token, purpose: .resetPassword, now: ctx.now())
    } catch {
      let reason =
        error == .expired
        ? "token expired; run 'authctl recover EMAIL' for a new one" : error.message
      throw ctx.refuse(FlowError.refused(reason), event: "reset", nil, reason: error.message)
    }
    try ctx.audited("reset", email: claims.email) {
      try parsed.checkElectricMail(claims.email, configuredCost: ctx.hasher.cost)
    }
    let code = try CodeCheck.validateShape(rawCode)
    // Slow work before the write lock: the new password's hash.
    let password: String
    let generated = chosenPassword == nil
    if let chosen = chosenPassword {
      password = try ctx.policy.check(chosen, email: claims.email)
    } else {
      password = try PasswordPolicy.generate()
    }
    let hash = try ctx.hasher.hash(password)

    enum Outcome {
      case done(Account, Int, [Int64])
      case refused(String, Account)
    }
    let outcome = try ctx.audited("reset", email: claims.email) {
      try ctx.store.write { (tx) throws -> Outcome in
        guard var a = try tx.account(id: claims.userID), a.email == claims.email
        else { throw FlowError.refused(TokenError.invalid.message) }
        if let fp = claims.fingerprint {
          guard constantTimeEquals(Array(fp.utf8), Array(ctx.fingerprint(a).utf8)) else {
            throw FlowError.refused(TokenError.used.message)
          }
        } else if let changed = a.securityChangedAt.flatMap(Timestamp.parse),
          claims.issuedAt <= changed
        {
          // A token of the original app (no fingerprint) issued before the last change, or
          // within its second: whole seconds cannot tell which came first, so it dies too.
          throw FlowError.refused(TokenError.used.message)
        }
        if a.disabledAt != nil { throw FlowError.refused("account \(a.email) is disabled") }
        var codeRow: OneTimeCode?
        if let expected = claims.codeHash {
          switch try CodeCheck.check(
            ctx, tx, userID: a.id, purpose: Recover.purpose,
            context: Recover.codeContext(userID: a.id), code: code, expectedHash: expected)
          {
          case .refused(let why): return .refused(why, a)
          case .ok(let row): codeRow = row
          }
        } else if let clear = claims.code {
          // The original app's token carries the code in clear: single use and counted
          // wrong codes through its own code row.
          switch try CodeCheck.checkOriginal(ctx, tx, claims: claims, clearCode: clear, code: code)
          {
          case .refused(let why): return .refused(why, a)
          case .ok(let row): codeRow = row
          }
        } else {
          throw FlowError.refused(TokenError.invalid.message)
        }
        let now = Timestamp.format(ctx.now())
        if let codeRow { try tx.markCodeUsed(id: codeRow.id, at: now) }
        let ended = try ctx.setPassword(
          tx,
          &a, hash: hash, generated: generated, reason: "password reset")
        let id = try ctx.queueMail(
          tx,
          "reset", to: a,
          generated
            ? MailTemplates.newPassword(
              email: a.email, password: password, reason: "Your password was reset.")
            : MailTemplates.passwordChanged(email: a.email))
        try ctx.audit(
          tx,
          "reset", a, detail: generated ? "generated password mailed" : "chosen password")
        return .done(a, ended, [id])
      }
    }
    switch outcome {
    case .refused(let why, let a):
      throw ctx.refuse(FlowError.refused(why), event: "reset", a, reason: why)
    case .done(let a, let ended, let ids):
      return Result(
        account: a, generated: generated, sessionsEnded: ended,
        delivery: try ctx.mailer.deliver(ctx.store, ids: ids))
    }
  }
}

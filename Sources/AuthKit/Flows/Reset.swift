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
  /// mailed. Clears the lockout and ends every session. Single use. A wrong code is counted
  /// and refused (`CodeCheck`).
  @discardableResult
  public func run(_ input: String, code rawCode: String, chosenPassword: String?) throws -> Result {
    let parsed = try TokenInput.parse(input)
    return try ctx.run("reset") { run in
      let claims = try run.claims(
        of: parsed, .resetPassword, wayOut: "run 'authctl recover EMAIL' for a new one")
      let code = try CodeCheck.validateShape(rawCode)
      // Slow work before the write lock: the new password's hash.
      let password: String
      let generated = chosenPassword == nil
      if let chosen = chosenPassword {
        password = try ctx.checkNewPassword(chosen, email: claims.email)
      } else {
        password = try PasswordPolicy.generate()
      }
      let hash = try ctx.hasher.hash(password)
      let (account, ended) = try run.write { (tx) throws -> (Account, Int) in
        guard var a = try tx.account(id: claims.userID), a.email == claims.email
        else { throw FlowError.refused(TokenError.invalid.message) }
        if let fp = claims.fingerprint {
          guard constantTimeEquals(Array(fp.utf8), Array(try ctx.fingerprint(a).utf8)) else {
            throw FlowError.refused(TokenError.used.message)
          }
        } else if let changed = a.securityChangedAt, claims.issued <= changed {
          // A token of the original app (no fingerprint) issued before the last change, or
          // within its second: whole seconds cannot tell which came first, so it dies too.
          throw FlowError.refused(TokenError.used.message)
        }
        if let refusal = AccountAccess.recoveryRefusal(a, now: ctx.now()) { throw refusal }
        run.about(a)
        let codeRow: OneTimeCode
        if let expected = claims.codeHash {
          codeRow = try CodeCheck.check(
            ctx, tx, userID: a.id, purpose: Recover.purpose,
            context: Recover.codeContext(userID: a.id), code: code, expectedHash: expected)
        } else if let clear = claims.code {
          // The original app's token carries the code in clear: single use and counted
          // wrong codes through its own code row.
          codeRow = try CodeCheck.checkOriginal(
            ctx, tx, claims: claims, clearCode: clear, code: code)
        } else {
          throw FlowError.refused(TokenError.invalid.message)
        }
        try tx.markCodeUsed(id: codeRow.id, at: ctx.now())
        let ended = try ctx.setPassword(
          tx, &a, hash: hash, generated: generated, reason: "password reset")
        try run.queue(
          tx, "reset", to: a,
          generated
            ? NotificationTemplates.newPassword(
              email: a.email, password: password, reason: "Your password was reset.")
            : NotificationTemplates.passwordChanged(email: a.email))
        // Telegram gets the notice, never the password.
        try run.queueTelegram(
          tx, "reset", to: a, NotificationTemplates.passwordChanged(email: a.email))
        try run.succeeded(
          tx, a, detail: generated ? "generated password mailed" : "chosen password")
        return (a, ended)
      }
      return Result(
        account: account, generated: generated, sessionsEnded: ended, delivery: run.delivery)
    }
  }
}

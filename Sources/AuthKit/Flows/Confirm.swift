/// `authctl confirm TOKEN|URL [--password-stdin]` (issue 5; issue 11, item 1). A token of a
/// new address (`change_email`) is confirmed by `EmailChange` (issue 16).
///
/// A password chosen at registration is unproven until confirmation: whoever registered may
/// not own the mailbox ("pre-hijacked accounts", Sudhodanan & Paverd, USENIX Security 2022).
/// So when the account's password was chosen, not generated and mailed with the token, the
/// confirmer must prove it — a counted check, as a login (`PasswordAttempt`) — or it is
/// dropped and a new password is generated and mailed with the activation: the account goes
/// to whoever holds the mailbox, never to a registrant who only chose a password.
public struct Confirm {
  public struct Result {
    public var account: Account
    /// True when the chosen password was not proven and a generated one was mailed.
    public var generated: Bool
    public var delivery: DeliveryReport
    /// The address before an address change (a `change_email` token); nil for an activation.
    public var previousEmail: String? = nil
  }

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// Confirms the account of the token or link `input`. `proof` is asked only when the
  /// account's password was chosen at registration: the password, or nil (or empty) to drop
  /// it and have a new one mailed.
  @discardableResult
  public func run(_ input: String, proof: () throws -> String? = { nil }) throws -> Result {
    let parsed = try TokenInput.parse(input)
    // A new address's token is confirmed the same way (issue 16).
    if try ctx.signer.purposes(of: parsed.token)?.contains(TokenPurpose.changeEmail.rawValue)
      == true
    {
      return try EmailChange(ctx).confirm(parsed)
    }
    return try ctx.run("confirm") { run in
      let claims = try run.claims(
        of: parsed, .activateAccount,
        wayOut: "run 'authctl register EMAIL' again for a new confirmation")
      // Slow work before the write lock: the proof's bcrypt check, or the new password's hash.
      let seen = try ctx.store.read { try $0.account(id: claims.userID) }
      var proven: String?
      var fresh: (password: String, hash: String)?
      if let seen, seen.email == claims.email, try refusal(seen, claims) == nil,
        Self.unproven(seen)
      {
        if let given = try proof(), !given.isEmpty {
          proven =
            try PasswordAttempt.verify(
              run, seen, password: given,
              hint:
                "not the one chosen at the latest registration; confirm without it to have a new one mailed"
            ).1
        } else {
          let password = try PasswordPolicy.generate()
          fresh = (password, try ctx.hasher.hash(password))
        }
      }
      let (account, generated) = try run.write { (tx) throws -> (Account, Bool) in
        guard var a = try tx.account(id: claims.userID), a.email == claims.email
        else {
          throw FlowError.noSuchAccount(
            "no account \(claims.email) any more (unconfirmed accounts are purged); register again")
        }
        if let why = try refusal(a, claims) { throw why }
        var mailed: String?
        if Self.unproven(a) {
          if let proven, a.passwordHash == proven {
            PasswordAttempt.clear(&a)
          } else if let fresh, a.passwordHash == seen?.passwordHash {
            a.passwordHash = fresh.hash
            a.passwordGenerated = true
            PasswordAttempt.clear(&a)
            mailed = fresh.password
          } else {
            throw FlowError.tryLater("the account changed while confirming; try again")
          }
        }
        let now = ctx.now()
        a.activatedAt = now
        a.updatedAt = now
        try tx.updateAccount(a)
        try run.queue(
          tx, "activated", to: a, NotificationTemplates.activated(email: a.email, password: mailed))
        try run.succeeded(
          tx, a,
          detail: mailed != nil
            ? "chosen password not proven: a generated one mailed"
            : proven != nil ? "chosen password proven" : nil)
        return (a, mailed != nil)
      }
      return Result(account: account, generated: generated, delivery: run.delivery)
    }
  }

  /// True while the account's password was chosen at registration and not yet proven: not
  /// confirmed, and a password that was not generated and mailed with the confirmation.
  static func unproven(_ a: Account) -> Bool {
    a.activatedAt == nil && !a.passwordGenerated && a.hasPassword
  }

  /// Why the token cannot confirm `a` (already confirmed, or a newer confirmation was mailed),
  /// or nil.
  func refusal(_ a: Account, _ claims: TokenClaims) throws -> FlowError? {
    if a.activatedAt != nil { return .refused("account \(a.email) already confirmed") }
    if let fp = claims.fingerprint,
      !constantTimeEquals(Array(fp.utf8), Array(try ctx.fingerprint(a).utf8))
    {
      return .refused("invalid token: a newer confirmation was mailed; use that one")
    }
    return nil
  }
}

/// One-time codes (issue 5): 6 digits, stored only as a keyed hash, single use, at most
/// `maxAttempts` tries. Every refusal is a `CommitAndRefuse`: a wrong try is counted and the
/// count is committed with the refusal's record.
enum CodeCheck {
  static let maxAttempts = 5

  /// Refuses a code that is not exactly six ASCII digits (65).
  static func validateShape(_ code: String) throws(FlowError) -> String {
    let c = code.trimmingASCIIWhitespace()
    guard c.utf8.count == 6, c.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
      throw .invalidInput("malformed code: expected 6 digits")
    }
    return c
  }

  /// Checks `code` against the account's current code row of `purpose`, inside the caller's
  /// write transaction; returns the row, or refuses (`CommitAndRefuse`).
  static func check(
    _ ctx: FlowContext, _ tx: any StoreTransaction, userID: String, purpose: String,
    context: String, code: String,
    expectedHash: String?
  ) throws -> OneTimeCode {
    guard let row = try tx.currentCode(userID: userID, purpose: purpose),
      row.usedAt == nil
    else {
      throw refused(
        purpose == "reset" ? TokenError.used.message : "no code was requested; ask for a new one")
    }
    if let expectedHash, !constantTimeEquals(Array(expectedHash.utf8), Array(row.codeHash.utf8)) {
      // The token belongs to an older request, replaced since.
      throw refused(TokenError.used.message)
    }
    return try judge(
      ctx, tx, row,
      matches: CodeHash.matches(
        key: try ctx.keys.codeKey, code: code, context: context, hash: row.codeHash))
  }

  /// The purpose of the rows that keep the original app's reset tokens.
  static let originalPurpose = "reset-original"

  /// Checks `code` against a reset token of the original app, which carries its code in clear
  /// (`sub.code`) and no fingerprint, so nothing in the token itself can say it was used. On
  /// its first use the token gets a code row of purpose `reset-original`, keyed by a keyed
  /// hash (`CodeHash`) of the claims that make it one token — account, `iat`, `exp`, code —
  /// and expiring with it; from then on it obeys authctl's own rules (single use,
  /// `maxAttempts` wrong codes), whatever the clock says. Inside the caller's transaction.
  static func checkOriginal(
    _ ctx: FlowContext, _ tx: any StoreTransaction, claims: TokenClaims, clearCode: String,
    code: String
  )
    throws -> OneTimeCode
  {
    let key = CodeHash.make(
      key: try ctx.keys.codeKey, code: clearCode,
      context: "\(originalPurpose):\(claims.userID):\(claims.issuedAt):\(claims.expiresAt)")
    let row =
      try tx.code(userID: claims.userID, purpose: originalPurpose, codeHash: key)
      ?? tx.insertCode(
        userID: claims.userID, purpose: originalPurpose, codeHash: key,
        createdAt: ctx.now(), expiresAt: claims.expires)
    if row.usedAt != nil { throw refused(TokenError.used.message) }
    return try judge(
      ctx, tx, row, matches: constantTimeEquals(Array(clearCode.utf8), Array(code.utf8)))
  }

  /// The rules every code row obeys: not expired, fewer than `maxAttempts` wrong tries, and
  /// `matches`; a wrong try is counted.
  static func judge(
    _ ctx: FlowContext, _ tx: any StoreTransaction, _ row: OneTimeCode, matches: Bool
  ) throws -> OneTimeCode {
    if ctx.now() > row.expiresAt {
      throw refused("code expired; ask for a new one")
    }
    if row.attempts >= maxAttempts {
      throw refused("too many wrong codes; ask for a new one")
    }
    guard matches else {
      try tx.countCodeAttempt(id: row.id)
      let left = maxAttempts - row.attempts - 1
      throw refused(
        left > 0
          ? "wrong code (\(left) attempt\(left == 1 ? "" : "s") left)"
          : "wrong code; that was the last attempt: ask for a new one")
    }
    return row
  }

  /// A refusal that keeps what the transaction wrote (the counted try, an original token's row).
  static func refused(_ why: String) -> CommitAndRefuse { CommitAndRefuse(FlowError.refused(why)) }
}

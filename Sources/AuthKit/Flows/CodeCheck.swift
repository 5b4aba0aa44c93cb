/// One-time codes (issue 5): 6 digits, stored only as a keyed hash, single use, at most
/// `maxAttempts` tries; a wrong try is counted in its own committed transaction.
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

  enum Outcome {
    case ok(OneTimeCode)
    case refused(String)
  }

  /// Checks `code` against the account's current code row of `purpose`, inside the caller's
  /// transaction. A wrong code counts an attempt; the caller commits and then throws.
  static func check(
    _ ctx: FlowContext, _ tx: any StoreTransaction, userID: String, purpose: String,
    context: String, code: String,
    expectedHash: String?
  ) throws -> Outcome {
    guard let row = try tx.currentCode(userID: userID, purpose: purpose),
      row.usedAt == nil
    else {
      return .refused(
        purpose == "reset" ? TokenError.used.message : "no code was requested; ask for a new one")
    }
    if let expectedHash, !constantTimeEquals(Array(expectedHash.utf8), Array(row.codeHash.utf8)) {
      // The token belongs to an older request, replaced since.
      return .refused(TokenError.used.message)
    }
    if let expires = Timestamp.parse(row.expiresAt), ctx.now() > expires {
      return .refused("code expired; ask for a new one")
    }
    if row.attempts >= maxAttempts {
      return .refused("too many wrong codes; ask for a new one")
    }
    guard CodeHash.matches(key: ctx.keys.codeKey, code: code, context: context, hash: row.codeHash)
    else {
      try tx.countCodeAttempt(id: row.id)
      let left = maxAttempts - row.attempts - 1
      return .refused(
        left > 0
          ? "wrong code (\(left) attempt\(left == 1 ? "" : "s") left)"
          : "wrong code; that was the last attempt: ask for a new one")
    }
    return .ok(row)
  }
}

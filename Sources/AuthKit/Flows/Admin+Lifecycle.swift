/// The operator's commands of the account lifecycle (issue 16): the validity window and a
/// required password change. Each is one write transaction with its audit event.
extension Admin {
  /// `users expire EMAIL --at TIME|never`: the account may not authenticate from `at` on (nil
  /// clears the end). An end already passed also ends the account's live sessions at once.
  /// Returns nil, or why nothing changed.
  @discardableResult
  public func expire(_ key: String, at: Instant?) throws -> String? {
    try setEdge(
      key, \.expiresAt, at, event: "admin.expire", label: "expires at", unset: "never",
      closedAt: { $0 <= ctx.now() }, reason: "account expired")
  }

  /// `users valid-from EMAIL TIME|now`: the account may not authenticate before `at` (nil
  /// clears the start). A start in the future also ends the account's live sessions.
  @discardableResult
  public func validFrom(_ key: String, at: Instant?) throws -> String? {
    try setEdge(
      key, \.validFrom, at, event: "admin.valid-from", label: "valid from", unset: "now",
      closedAt: { $0 > ctx.now() }, reason: "account not yet valid")
  }

  /// Sets one edge of the validity window to `at` (nil clears it); when `closedAt(at)` the
  /// window is shut now, so the account's sessions end with `reason`.
  func setEdge(
    _ key: String, _ field: WritableKeyPath<Account, Instant?>, _ at: Instant?, event: String,
    label: String, unset: String, closedAt: (Instant) -> Bool, reason: String
  ) throws -> String? {
    let text = at.map(\.description) ?? unset
    return try change(key, event: event, detail: "\(label) \(text)") { tx, a, now in
      if a[keyPath: field] == at { return "already \(label) \(text)" }
      a[keyPath: field] = at
      if let at, closedAt(at) {
        try tx.revokeSessions(userID: a.id, at: now, reason: reason)
      }
      return nil
    }.unchanged
  }

  /// The most characters of a `--reason`.
  public static let maxReasonLength = 200

  /// A reason as given, or 65 when it is too long or holds a control character (it is shown
  /// at the person's login).
  public static func checkReason(_ reason: String?) throws(FlowError) -> String? {
    guard let reason = reason?.trimmingASCIIWhitespace(), !reason.isEmpty else { return nil }
    guard reason.count <= maxReasonLength else {
      throw .invalidInput("the reason is longer than \(maxReasonLength) characters")
    }
    guard !reason.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
      throw .invalidInput("the reason contains a control character")
    }
    return reason
  }

  /// `users require-reset EMAIL [--reason TEXT]`: the next login checks the password, then
  /// refuses and mails a reset; the account's live sessions end now. Returns nil, or why
  /// nothing changed.
  @discardableResult
  public func requireReset(_ key: String, reason: String?) throws -> String? {
    let reason = try Self.checkReason(reason)
    return try change(key, event: "admin.require-reset", detail: reason) { tx, a, now in
      if a.mustResetAt != nil && a.mustResetReason == reason { return "already required" }
      if a.mustResetAt == nil { a.mustResetAt = now }
      a.mustResetReason = reason
      try tx.revokeSessions(userID: a.id, at: now, reason: "password change required")
      return nil
    }.unchanged
  }

  /// `users require-reset --all [--reason TEXT]`: every account not yet marked is marked, and
  /// every live session ends. Returns how many accounts were marked and sessions ended.
  public func requireResetAll(reason: String?) throws -> (marked: Int, sessionsEnded: Int) {
    let reason = try Self.checkReason(reason)
    return try ctx.run("admin.require-reset") { run in
      try run.write { tx in
        let now = ctx.now()
        let marked = try tx.requireResetAll(at: now, reason: reason)
        let ended = try tx.revokeAllSessions(at: now, reason: "password change required")
        try run.succeeded(
          tx, nil, reason: reason,
          detail: "all accounts: \(marked) marked, \(ended) session(s) ended")
        return (marked, ended)
      }
    }
  }
}

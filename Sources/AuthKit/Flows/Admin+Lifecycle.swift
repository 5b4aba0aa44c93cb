/// The operator's commands of the account lifecycle (issue 16): the validity window and a
/// required password change. Each is one write transaction with its audit event.
extension Admin {
  /// `users expire EMAIL --at TIME|never`: the account may not authenticate from `at` on (nil
  /// clears the end). An end already passed also ends the account's live sessions at once.
  /// Returns nil, or why nothing changed.
  public func expire(_ key: String, at: Int64?) throws -> String? {
    try setEdge(
      key, \.expiresAt, at, event: "admin.expire", label: "expires at", unset: "never",
      closedAt: { $0 <= clock.now() }, reason: "account expired")
  }

  /// `users valid-from EMAIL TIME|now`: the account may not authenticate before `at` (nil
  /// clears the start). A start in the future also ends the account's live sessions.
  public func validFrom(_ key: String, at: Int64?) throws -> String? {
    try setEdge(
      key, \.validFrom, at, event: "admin.valid-from", label: "valid from", unset: "now",
      closedAt: { $0 > clock.now() }, reason: "account not yet valid")
  }

  /// Sets one edge of the validity window to `at` (nil clears it); when `closedAt(at)` the
  /// window is shut now, so the account's sessions end with `reason`.
  func setEdge(
    _ key: String, _ field: WritableKeyPath<Account, String?>, _ at: Int64?, event: String,
    label: String, unset: String, closedAt: (Int64) -> Bool, reason: String
  ) throws -> String? {
    let text = at.map(Timestamp.format)
    return try change(key, event: event, detail: "\(label) \(text ?? unset)") { tx, a, nowText in
      if a[keyPath: field] == text { return "already \(label) \(text ?? unset)" }
      a[keyPath: field] = text
      if let at, closedAt(at) {
        try tx.revokeSessions(userID: a.id, at: nowText, reason: reason)
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
  public func requireReset(_ key: String, reason: String?) throws -> String? {
    let reason = try Self.checkReason(reason)
    return try change(key, event: "admin.require-reset", detail: reason) { tx, a, nowText in
      if a.mustResetAt != nil && a.mustResetReason == reason { return "already required" }
      if a.mustResetAt == nil { a.mustResetAt = nowText }
      a.mustResetReason = reason
      try tx.revokeSessions(userID: a.id, at: nowText, reason: "password change required")
      return nil
    }.unchanged
  }

  /// `users require-reset --all [--reason TEXT]`: every account not yet marked is marked, and
  /// every live session ends. Returns how many accounts were marked and sessions ended.
  public func requireResetAll(reason: String?) throws -> (marked: Int, sessionsEnded: Int) {
    let reason = try Self.checkReason(reason)
    let nowText = Timestamp.format(clock.now())
    return try store.write { tx in
      let marked = try tx.requireResetAll(at: nowText, reason: reason)
      let ended = try tx.revokeAllSessions(at: nowText, reason: "password change required")
      try tx.record(
        AuditEvent(
          at: nowText, event: "admin.require-reset", ok: true, reason: reason,
          detail: "all accounts: \(marked) marked, \(ended) session(s) ended"))
      return (marked, ended)
    }
  }
}

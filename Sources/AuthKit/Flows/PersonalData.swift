/// Everything stored about one person (`users export --user EMAIL --with-log`; GDPR Art. 15,
/// the right of access): the account's fields, its sessions, its mail without bodies, and —
/// with the log — the audit events of the account or its address. Never a password hash, a
/// stamp, a code or a message body.
public struct PersonalDataReport: Sendable {
  public var account: AccountDetails
  public var sessions: [Session]
  public var messages: [OutboxItem]
  /// Nil unless asked for.
  public var events: [AuditEvent]?
}

/// Gathers a `PersonalDataReport` in one read transaction (one consistent snapshot).
public struct PersonalData {
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  public func report(_ emailOrID: String, withLog: Bool) throws -> PersonalDataReport {
    let now = ctx.now()
    return try ctx.store.read { tx in
      let a = try Accounts.lookup(tx, emailOrID, orID: true)
      let live = try tx.liveSessionCount(userID: a.id, now: now)
      let details = AccountDetails(
        account: a, status: a.status(now: now), liveSessions: live, now: now)
      var messages = try tx.messageHistory(userID: a.id, recipient: a.email)
      for i in messages.indices { messages[i].body = nil }
      var events: [AuditEvent]?
      if withLog {
        var filter = AuditFilter()
        filter.email = a.email
        filter.userID = a.id
        let cursor = try tx.auditEvents(filter)
        var list: [AuditEvent] = []
        func text(_ c: Int) -> String? {
          cursor.isNull(c) ? nil : cursor.withText(c) { String(decoding: $0, as: UTF8.self) }
        }
        // Columns: at, event, email, user_id, outcome, reason, detail.
        while try cursor.next() {
          list.append(
            AuditEvent(
              at: text(0).flatMap(Timestamp.instant) ?? .epoch, event: text(1) ?? "",
              userID: text(3), email: text(2), ok: text(4) == "ok", reason: text(5),
              detail: text(6)))
        }
        events = list
      }
      return PersonalDataReport(
        account: details, sessions: try tx.sessions(userID: a.id), messages: messages,
        events: events)
    }
  }
}

/// What `users delete --forget` did.
public struct ErasureResult: Sendable {
  /// The address that was erased (for the operator's message only; stored nowhere).
  public var email: String
  /// What the audit log now names the account by.
  public var pseudonym: String
  /// Audit events that named the account or its address, now pseudonymised.
  public var auditEvents: Int
  /// Outbox messages of the account or to its address, deleted.
  public var messages: Int
  /// False when a reader open at the time still held older pages; they go at the next
  /// checkpoint (`Store.eraseWrite`).
  public var complete: Bool
}

/// `users delete EMAIL --forget` (issue 17; GDPR Art. 17, the right to erasure): the account
/// goes as with `users delete` (sessions, codes, mail), and so does every trace of its address:
/// outbox rows to it are deleted, and each audit event of the account or its address keeps
/// its time, kind and outcome but names the account by a pseudonym — a keyed hash of its id,
/// HMAC-SHA256 under `KeyRing.erasureKey` — never by its address. One more event,
/// `admin.forget`, records that an erasure happened, under the same pseudonym. The pseudonym
/// lets the operator see which events were one person's; without the key it names no one, and
/// with the key it can be checked only against an id already known.
public struct Erasure {
  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// The pseudonym of the account `userID`: `erased-` and 32 hex digits (128 bits) of its
  /// HMAC-SHA256 under `key`.
  public static func pseudonym(userID: String, key: [UInt8]) -> String {
    "erased-" + Hex.encode(Array(HMAC.sha256(key: key, message: Array(userID.utf8)).prefix(16)))
  }

  public func forget(_ emailOrID: String) throws -> ErasureResult {
    let key = try ctx.keys.erasureKey
    return try ctx.run("admin.forget", email: emailOrID) { run in
      let (result, complete) = try run.eraseWrite { tx in
        let a = try Accounts.lookup(tx, emailOrID)
        let pseudonym = Self.pseudonym(userID: a.id, key: key)
        try tx.deleteAccount(id: a.id)
        let messages = try tx.deleteMessages(userID: a.id, recipient: a.email)
        let events = try tx.pseudonymiseAuditEvents(
          userID: a.id, email: a.email, pseudonym: pseudonym)
        _ = try tx.pseudonymiseHookEvents(userID: a.id, email: a.email, pseudonym: pseudonym)
        try run.audit(
          tx,
          AuditEvent(
            at: ctx.now(), event: run.event, userID: pseudonym,
            detail: "account deleted and erased: \(events) audit event(s) pseudonymised, "
              + "\(messages) message(s) removed"))
        return ErasureResult(
          email: a.email, pseudonym: pseudonym, auditEvents: events, messages: messages,
          complete: true)
      }
      var r = result
      r.complete = complete
      return r
    }
  }
}

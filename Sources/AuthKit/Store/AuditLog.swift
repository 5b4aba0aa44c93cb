/// One audit event: who, what, when, and how it ended. Never a secret.
public struct AuditEvent: Sendable, Equatable {
  public var at: String
  public var event: String
  public var userID: String?
  public var email: String?
  public var ok: Bool
  public var reason: String?
  public var detail: String?

  public init(
    at: String, event: String, userID: String? = nil, email: String? = nil, ok: Bool = true,
    reason: String? = nil, detail: String? = nil
  ) {
    self.at = at
    self.event = event
    self.userID = userID
    self.email = email
    self.ok = ok
    self.reason = reason
    self.detail = detail
  }
}

/// Which events `authctl log` shows.
public struct AuditFilter: Sendable {
  public var email: String?
  public var event: String?
  public var since: Int64?
  public var failedOnly = false
  public init() {}
}

/// The `audit` table: appended by every flow, read by `authctl log`.
public enum AuditLog {
  public static let columns = ["at", "event", "email", "user_id", "outcome", "reason", "detail"]

  public static func record(_ db: Connection, _ e: AuditEvent) throws(StoreError) {
    try db.run(
      """
      INSERT INTO audit (at, event, user_id, email, outcome, reason, detail)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      """,
      [
        .text(e.at), .text(e.event), .optional(e.userID), .optional(e.email),
        .text(e.ok ? "ok" : "failed"), .optional(e.reason), .optional(e.detail),
      ])
  }

  /// A statement yielding `columns` for the matching events, oldest first.
  public static func query(_ db: Connection, _ filter: AuditFilter) throws(StoreError) -> Statement
  {
    var conditions: [String] = []
    var values: [SQLValue] = []
    if let email = filter.email {
      values.append(.text(email))
      conditions.append("email = ?\(values.count) COLLATE NOCASE")
    }
    if let event = filter.event {
      values.append(.text(event))
      conditions.append("event = ?\(values.count)")
    }
    if let since = filter.since {
      values.append(.text(Timestamp.format(since)))
      conditions.append("at >= ?\(values.count)")
    }
    if filter.failedOnly { conditions.append("outcome = 'failed'") }
    var sql = "SELECT at, event, email, user_id, outcome, reason, detail FROM audit"
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY id"
    let statement = try db.prepare(sql)
    try statement.bind(values)
    return statement
  }
}

/// Which accounts `users list` shows.
public struct AccountFilter: Sendable {
  public var status: AccountStatus?
  /// Only accounts created before this time (seconds since the epoch).
  public var createdBefore: Int64?
  public var limit: Int?

  public init(status: AccountStatus? = nil, createdBefore: Int64? = nil, limit: Int? = nil) {
    self.status = status
    self.createdBefore = createdBefore
    self.limit = limit
  }
}

/// Queries over accounts.
public enum AccountStore {
  /// The columns `users list` prints, in order. Never the hash.
  public static let listColumns = [
    "id", "email", "status", "created_at", "activated_at", "last_login_at",
  ]

  /// A statement yielding `listColumns` for every account matching `filter`, in the order the
  /// accounts were added. The caller steps it, so rows stream: memory does not grow with the
  /// number of accounts.
  public static func list(_ db: Connection, _ filter: AccountFilter, now: Int64) throws(StoreError)
    -> Statement
  {
    var sql = """
      SELECT id, email, \(AccountStatus.sql(now: "?1")) AS status, created_at, activated_at, \
      last_login_at FROM users
      """
    var conditions: [String] = []
    var values: [SQLValue] = [.text(Timestamp.format(now))]
    if let status = filter.status {
      values.append(.text(status.rawValue))
      conditions.append("status = ?\(values.count)")
    }
    if let before = filter.createdBefore {
      values.append(.text(Timestamp.format(before)))
      conditions.append("created_at < ?\(values.count)")
    }
    if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
    sql += " ORDER BY rowid"
    if let limit = filter.limit {
      values.append(.integer(Int64(limit)))
      sql += " LIMIT ?\(values.count)"
    }
    let statement = try db.prepare(sql)
    try statement.bind(values)
    return statement
  }
}

/// A transaction of `SQLiteStore`: the typed operations, each one SQL statement or a few, over
/// the connection whose transaction is open. Statements are prepared once per transaction and
/// reused (an import checks a million emails with one prepared statement).
final class SQLiteTransaction: StoreTransaction {
  let db: Connection
  private var cache: [String: Statement] = [:]
  /// The largest `users` rowid before this transaction's first `importAccount`: rows it adds
  /// get `importBase + line`, so a repeated email tells the line of its first record.
  var importBase: Int64?
  /// `importAccount`'s INSERT, kept at hand (it runs once a row).
  var importStatement: Statement?
  /// `importTime`'s texts by instant (twice its seconds, plus one for an activation's form).
  var importTimes: [Int64: String] = [:]

  init(_ db: Connection) { self.db = db }

  /// The statement for `sql`, prepared on first use, bound to `values` and ready to step.
  func statement(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Statement {
    let s: Statement
    if let cached = cache[sql] {
      cached.reset()
      s = cached
    } else {
      s = try db.prepare(sql)
      cache[sql] = s
    }
    try s.bind(values)
    return s
  }

  /// Runs `sql` and returns the changed row count.
  @discardableResult
  func run(_ sql: String, _ values: [SQLValue] = []) throws(StoreError) -> Int {
    let s = try statement(sql, values)
    defer { s.reset() }
    while try s.step() {}
    return db.changes
  }

  /// The first row of `sql`, mapped by `body`, or nil.
  func first<T>(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Statement) throws(StoreError) -> T
  ) throws(StoreError) -> T? {
    let s = try statement(sql, values)
    defer { s.reset() }
    guard try s.step() else { return nil }
    return try body(s)
  }

  /// Every row of `sql`, mapped by `body`.
  func all<T>(
    _ sql: String, _ values: [SQLValue] = [], _ body: (Statement) throws(StoreError) -> T
  ) throws(StoreError) -> [T] {
    let s = try statement(sql, values)
    defer { s.reset() }
    var rows: [T] = []
    while try s.step() { rows.append(try body(s)) }
    return rows
  }

  /// A cursor over a fresh statement (not cached: the caller steps it while others run).
  func cursor(_ sql: String, _ values: [SQLValue], columns: [String]) throws(StoreError)
    -> any RowCursor
  {
    let s = try db.prepare(sql)
    try s.bind(values)
    return StatementCursor(s, columns: columns)
  }

  /// The id of the row the last INSERT added.
  var lastInsertID: Int64 { db.lastInsertRowID }
}

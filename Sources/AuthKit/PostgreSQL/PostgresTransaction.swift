#if PostgreSQL
  /// A transaction of `PostgresStore`: the typed operations, each one SQL statement or a few,
  /// over the connection whose transaction is open. Parameters are `$1`, `$2`…, bound as text.
  final class PostgresTransaction: StoreTransaction {
    let db: PGConnection
    /// An import's base (`importAccount`): the rows it adds get `seq = importBase + line`.
    var importBase: Int64?
    /// The highest `seq` the identity sequence was moved past for this import.
    var importReserved: Int64 = 0

    init(_ db: PGConnection) { self.db = db }

    /// Runs `sql` and returns the changed row count.
    @discardableResult
    func run(_ sql: String, _ values: [String?] = []) throws(StoreError) -> Int {
      try db.query(sql, values).changes
    }

    /// The first row of `sql`, mapped by `body` (given the result and the row), or nil.
    func first<T>(
      _ sql: String, _ values: [String?] = [], _ body: (PGResult, Int) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
      let r = try db.query(sql, values)
      guard r.rowCount > 0 else { return nil }
      return try body(r, 0)
    }

    /// Every row of `sql`, mapped by `body`.
    func all<T>(
      _ sql: String, _ values: [String?] = [], _ body: (PGResult, Int) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
      let r = try db.query(sql, values)
      var rows: [T] = []
      rows.reserveCapacity(r.rowCount)
      for i in 0..<r.rowCount { rows.append(try body(r, i)) }
      return rows
    }

    /// One integer (a count), 0 when there is no row.
    func integer(_ sql: String, _ values: [String?] = []) throws(StoreError) -> Int {
      Int(try first(sql, values) { r, i in r.int(i, 0) } ?? 0)
    }

    /// A cursor streaming the rows of `sql` in batches (memory flat in the row count).
    func cursor(_ sql: String, _ values: [String?], columns: [String]) throws(StoreError)
      -> any RowCursor
    {
      try PGCursor(db, sql, values, columns: columns)
    }
  }

  extension Optional where Wrapped == String {
    /// The text of an optional value, for binding.
    var bound: String? { self }
  }

  extension Int {
    var bound: String? { String(self) }
  }

  extension Int64 {
    var bound: String? { String(self) }
  }

  extension Bool {
    /// 1 or 0, as the integer flag columns keep it (like SQLite).
    var bound: String? { self ? "1" : "0" }
  }
#endif

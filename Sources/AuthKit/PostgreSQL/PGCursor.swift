#if PostgreSQL
  /// A `RowCursor` over a server-side cursor (`DECLARE … NO SCROLL CURSOR`, then `FETCH` of
  /// `batch` rows at a time, https://www.postgresql.org/docs/current/sql-declare.html): memory
  /// holds one batch, whatever the row count. Valid inside the transaction that made it.
  final class PGCursor: RowCursor {
    static let batch = 5000

    let db: PGConnection
    let columns: [String]
    let name: String
    private var result: PGResult?
    private var row = -1
    private var exhausted = false

    init(_ db: PGConnection, _ sql: String, _ values: [String?], columns: [String])
      throws(StoreError)
    {
      self.db = db
      self.columns = columns
      db.cursors += 1
      name = "authctl_cursor_\(db.cursors)"
      try db.query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", values)
    }

    func next() throws(StoreError) -> Bool {
      row += 1
      if let r = result, row < r.rowCount { return true }
      guard !exhausted else { return false }
      let r = try db.execute("FETCH FORWARD \(Self.batch) FROM \(name)")
      result = r
      row = 0
      if r.rowCount < Self.batch { exhausted = true }
      return r.rowCount > 0
    }

    func isNull(_ column: Int) -> Bool { result!.isNull(row, column) }

    func isInteger(_ column: Int) -> Bool { result!.isInteger(column) }

    func integer(_ column: Int) -> Int64 { result!.int(row, column) }

    func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
      result!.withText(row, column, body)
    }
  }
#endif

import CSQLite

/// Whole tables for `db copy`: columns from `pragma_table_info`, rows in rowid order, loads
/// through one prepared INSERT.
extension SQLiteTransaction {
  func columns(of table: StoreTable) throws(StoreError) -> [String] {
    try all("SELECT name FROM pragma_table_info(?1) ORDER BY cid", [.text(table.rawValue)]) {
      $0.text(0)
    }
  }

  func rowCount(of table: StoreTable) throws(StoreError) -> Int {
    try first("SELECT count(*) FROM \(table.rawValue)") { Int($0.int(0)) } ?? 0
  }

  /// The table's own order: insertion (rowid) for users and sessions, the key for settings,
  /// the id for the rest.
  static func order(_ table: StoreTable) -> String {
    switch table {
    case .users, .sessions: return "rowid"
    case .settings: return "key"
    case .codes, .outbox, .audit, .hookEvents: return "id"
    case .telegramLinks: return "user_id"
    case .telegramNonces: return "selector"
    }
  }

  static func columnList(_ columns: [String]) -> String {
    columns.map { "\"\($0)\"" }.joined(separator: ", ")
  }

  func rows(of table: StoreTable, columns: [String]) throws(StoreError) -> any RowCursor {
    try cursor(
      "SELECT \(Self.columnList(columns)) FROM \(table.rawValue) ORDER BY \(Self.order(table))",
      [], columns: columns)
  }

  /// Values are bound as the source holds them: integers as integers, the rest as text (the
  /// columns' affinity turns a PostgreSQL integer's text back into an integer).
  func load(
    _ table: StoreTable, columns: [String], from source: any RowCursor,
    each: (any RowCursor) -> Void
  ) throws(StoreError) -> Int {
    let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
    let s = try db.prepare(
      "INSERT INTO \(table.rawValue) (\(Self.columnList(columns))) VALUES (\(placeholders))")
    var n = 0
    while try source.next() {
      each(source)
      for c in 0..<columns.count {
        let index = Int32(c + 1)
        if source.isNull(c) {
          try s.bind(.null, at: index)
        } else if source.isInteger(c) {
          try s.bind(.integer(source.integer(c)), at: index)
        } else {
          try source.withText(c) { bytes in
            Result { () throws(StoreError) in try s.bindText(bytes, at: index) }
          }.get()
        }
      }
      while try s.step() {}
      s.reset()
      n += 1
    }
    return n
  }
}

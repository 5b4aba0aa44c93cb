#if PostgreSQL
  /// Whole tables for `db copy`: columns from `information_schema`, rows through a cursor in
  /// `seq`/id/key order, loads through `COPY … FROM STDIN` (text format,
  /// https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2) — one stream, no
  /// statement per row.
  extension PostgresTransaction {
    func columns(of table: StoreTable) throws(StoreError) -> [String] {
      try all(
        """
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'seq'
        ORDER BY ordinal_position
        """, [table.rawValue]
      ) { r, i in r.text(i, 0) }
    }

    func rowCount(of table: StoreTable) throws(StoreError) -> Int {
      try integer("SELECT count(*) FROM \(table.rawValue)")
    }

    static func order(_ table: StoreTable) -> String {
      switch table {
      case .users, .sessions: return "seq"
      case .settings: return "key"
      case .codes, .outbox, .audit, .hookEvents: return "id"
      case .telegramLinks: return "user_id"
      case .telegramNonces: return "selector"
      }
    }

    func columnList(_ columns: [String]) -> String {
      columns.map { db.quoted($0) }.joined(separator: ", ")
    }

    func rows(of table: StoreTable, columns: [String]) throws(StoreError) -> any RowCursor {
      try cursor(
        "SELECT \(columnList(columns)) FROM \(table.rawValue) ORDER BY \(Self.order(table))", [],
        columns: columns)
    }

    func load(
      _ table: StoreTable, columns: [String], from source: any RowCursor,
      each: (any RowCursor) -> Void
    ) throws(StoreError) -> Int {
      try db.beginCopyIn("COPY \(table.rawValue) (\(columnList(columns))) FROM STDIN")
      var buffer: [UInt8] = []
      buffer.reserveCapacity(1 << 17)
      var n = 0
      do throws(StoreError) {
        while try source.next() {
          each(source)
          for c in 0..<columns.count {
            if c > 0 { buffer.append(9) }
            if source.isNull(c) {
              buffer.append(contentsOf: [92, 78])  // \N
            } else {
              source.withText(c) { Self.appendEscaped($0, to: &buffer) }
            }
          }
          buffer.append(10)
          n += 1
          if buffer.count >= 1 << 16 {
            try db.putCopyData(buffer)
            buffer.removeAll(keepingCapacity: true)
          }
        }
        try db.putCopyData(buffer)
      } catch {
        _ = try? db.endCopy()
        throw error
      }
      try db.endCopy()
      // Identity columns go on after the copied ids.
      if [.codes, .outbox, .audit, .hookEvents].contains(table) {
        try run(
          """
          SELECT setval(pg_get_serial_sequence('\(table.rawValue)', 'id'),
            coalesce((SELECT max(id) FROM \(table.rawValue)), 0) + 1, false)
          """)
      }
      return n
    }

    /// COPY's text format: backslash, tab, line feed and carriage return escaped.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
      for b in bytes {
        switch b {
        case 92: buffer.append(contentsOf: [92, 92])
        case 9: buffer.append(contentsOf: [92, 116])
        case 10: buffer.append(contentsOf: [92, 110])
        case 13: buffer.append(contentsOf: [92, 114])
        default: buffer.append(b)
        }
      }
    }
  }
#endif

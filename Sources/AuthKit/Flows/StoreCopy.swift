/// `authctl db copy --from SOURCE --to TARGET` (issue 13): every table, the generated secret
/// included, from one store to another — SQLite to PostgreSQL to leave one machine, and back.
///
/// All or nothing: the target must be empty (no authctl table, or authctl's tables without a
/// row), else `cannotCreate` (exit 73) before anything changes; the rows go in one write
/// transaction of the target. Each table is verified before that transaction commits: its
/// row count and a SHA-256 over its rows in order (each value as its text, NULL told apart)
/// must be the same read back from the target as streamed from the source.
public struct StoreCopy {
  /// What was copied of one table.
  public struct TableCopy: Sendable {
    public var table: StoreTable
    public var rows: Int
    /// SHA-256 of the rows, in hex: the same on both sides.
    public var checksum: String
  }

  let source: any Store
  let target: any Store
  let sourceName: String
  let targetName: String
  let observer: any Observer

  public init(
    from source: any Store, named sourceName: String, to target: any Store,
    named targetName: String, observer: any Observer
  ) {
    self.source = source
    self.target = target
    self.sourceName = sourceName
    self.targetName = targetName
    self.observer = observer
  }

  /// Copies every table; `context` migrates an empty target (its secret is the source's:
  /// none is generated).
  public func run(_ context: MigrationContext) throws -> [TableCopy] {
    try source.requireCurrentSchema()
    try prepareTarget(context)
    return try source.read { from in
      try target.bulkWrite { to in
        try StoreTable.allCases.map { try copy($0, from, to) }
      }
    }
  }

  /// An empty target is migrated; one holding rows is refused before anything changes.
  func prepareTarget(_ context: MigrationContext) throws {
    if try target.isEmpty() {
      var quiet = context
      quiet.jwtSecretConfigured = true
      _ = try target.migrate(quiet)
      return
    }
    do {
      try target.requireCurrentSchema()
    } catch {
      guard error.kind == .schema else { throw error }
      throw FlowError.cannotCreate(
        "the target \(targetName) already holds a database (\(error.message)); db copy needs an empty one"
      )
    }
    let counts = try target.read { tx in
      try StoreTable.allCases.map { ($0, try tx.rowCount(of: $0)) }
    }
    if let (table, n) = counts.first(where: { $0.1 > 0 }) {
      throw FlowError.cannotCreate(
        "the target \(targetName) is not empty (\(table.rawValue) has \(n) row(s)); db copy writes only into an empty database — create a new one (for PostgreSQL: createdb)"
      )
    }
  }

  func copy(_ table: StoreTable, _ from: any StoreTransaction, _ to: any StoreTransaction)
    throws -> TableCopy
  {
    let columns = try from.columns(of: table)
    let targetColumns = try to.columns(of: table)
    guard Set(columns) == Set(targetColumns) else {
      let missing = Set(columns).symmetricDifference(targetColumns).sorted()
      throw FlowError.internalError(
        "db copy: the table \(table.rawValue) has other columns in \(sourceName) than in \(targetName) (\(missing.joined(separator: ", "))); nothing was copied"
      )
    }
    let total = try from.rowCount(of: table)
    let progress = observer.progress("copying \(table.rawValue)", total: total)
    defer { progress.finish() }
    let digest = RowDigest(columns: columns.count)
    let counter = Counter()
    let rows = try from.rows(of: table, columns: columns)
    let copied = try to.load(
      table, columns: columns, from: rows,
      each: { row in
        digest.add(row)
        counter.n += 1
        if counter.n & 1023 == 0 { progress.update(counter.n) }
      })
    progress.update(copied)
    let check = RowDigest(columns: columns.count)
    let back = try to.rows(of: table, columns: columns)
    var readBack = 0
    while try back.next() {
      check.add(back)
      readBack += 1
    }
    let sum = Hex.encode(digest.finish())
    guard readBack == copied, copied == total, Hex.encode(check.finish()) == sum else {
      throw FlowError.internalError(
        "db copy: the table \(table.rawValue) differs once copied (\(total) rows in \(sourceName), \(copied) sent, \(readBack) read back, or a checksum that differs); nothing was copied"
      )
    }
    return TableCopy(table: table, rows: copied, checksum: sum)
  }
}

/// A count a non-escaping closure bumps.
final class Counter {
  var n = 0
}

/// A SHA-256 over rows: for each value, 0 for NULL, else 1, its length (8 bytes, big-endian)
/// and its text bytes — so `NULL`, `''` and `'0'` never hash alike, nor do shifted columns.
final class RowDigest {
  let columns: Int
  let stream = DigestStream()

  init(columns: Int) { self.columns = columns }

  func add(_ row: any RowCursor) {
    for c in 0..<columns {
      if row.isNull(c) {
        stream.update([0])
        continue
      }
      row.withText(c) { bytes in
        var header: [UInt8] = [1]
        let n = UInt64(bytes.count)
        for shift in stride(from: 56, through: 0, by: -8) {
          header.append(UInt8(truncatingIfNeeded: n >> UInt64(shift)))
        }
        stream.update(header)
        stream.update(UnsafeRawBufferPointer(bytes))
      }
    }
  }

  func finish() -> [UInt8] { stream.finish() }
}

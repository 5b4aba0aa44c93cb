/// Whole tables, for `authctl db copy` (issue 13): every column of every row, moved between
/// stores as text and integers, never interpreted.
public protocol TableRecords {
  /// The columns of `table`, in the schema's order, without any an engine keeps for itself
  /// (PostgreSQL's `seq`, SQLite's rowid).
  func columns(of table: StoreTable) throws(StoreError) -> [String]

  func rowCount(of table: StoreTable) throws(StoreError) -> Int

  /// Every row of `table`, the `columns` in that order, in the table's own order: insertion
  /// order for `users` and `sessions`, `id` for the numbered tables, `key` for `settings`.
  func rows(of table: StoreTable, columns: [String]) throws(StoreError) -> any RowCursor

  /// Appends every row of `source` (its columns are `columns`, in order) to `table`, calling
  /// `each` with the cursor on each row before it is stored; returns how many rows. Numbered
  /// tables keep their ids, and new rows after the load are numbered after them.
  func load(
    _ table: StoreTable, columns: [String], from source: any RowCursor,
    each: (any RowCursor) -> Void
  ) throws(StoreError) -> Int
}

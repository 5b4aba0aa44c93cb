/// A `RowCursor` stepping one prepared statement: rows are read in place, never collected.
final class StatementCursor: RowCursor {
  private let statement: Statement
  let columns: [String]

  init(_ statement: Statement, columns: [String]) {
    self.statement = statement
    self.columns = columns
  }

  func next() throws(StoreError) -> Bool { try statement.step() }

  func isNull(_ column: Int) -> Bool { statement.isNull(Int32(column)) }

  func isInteger(_ column: Int) -> Bool { statement.isInteger(Int32(column)) }

  func integer(_ column: Int) -> Int64 { statement.int(Int32(column)) }

  func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    statement.withTextBytes(Int32(column), body)
  }
}

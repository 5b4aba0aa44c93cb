/// Rows streamed from the store, one at a time: memory does not grow with their number.
/// Valid only inside the transaction that made it. Columns are 0-based, in the order the
/// producing operation documents.
public protocol RowCursor: AnyObject {
  /// The column names, in order.
  var columns: [String] { get }
  /// Moves to the next row: false when there is none.
  func next() throws(StoreError) -> Bool
  func isNull(_ column: Int) -> Bool
  /// True when the value in this row is an integer (JSON prints it bare).
  func isInteger(_ column: Int) -> Bool
  func integer(_ column: Int) -> Int64
  /// The value's text bytes without copying, valid only inside `body`.
  func withText<R>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R
}

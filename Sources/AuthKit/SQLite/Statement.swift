import CSQLite

/// A prepared statement (https://sqlite.org/c3ref/stmt.html), finalized in `deinit`.
public final class Statement {
  let handle: OpaquePointer
  let connection: Connection
  /// The SQL text, for errors.
  public let sql: String

  init(handle: OpaquePointer, connection: Connection, sql: String) {
    self.handle = handle
    self.connection = connection
    self.sql = sql
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `values` to parameters 1…n (https://sqlite.org/c3ref/bind_blob.html).
  public func bind(_ values: [SQLValue]) throws(StoreError) {
    for (offset, value) in values.enumerated() { try bind(value, at: Int32(offset + 1)) }
  }

  /// Binds one value to parameter `index` (1-based).
  public func bind(_ value: SQLValue, at index: Int32) throws(StoreError) {
    let rc: Int32
    switch value {
    case .null: rc = sqlite3_bind_null(handle, index)
    case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
    case .text(var v):
      // The UTF-8 bytes and their length: no NUL-terminated copy (SQLite copies them).
      rc = v.withUTF8 { (utf8: UnsafeBufferPointer<UInt8>) -> Int32 in
        guard let base = utf8.baseAddress else {
          return sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
        }
        return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
          sqlite3_bind_text64(
            handle, index, $0, UInt64(utf8.count), csqlite_transient(), UInt8(SQLITE_UTF8))
        }
      }
    case .blob(let v):
      rc = v.withUnsafeBytes {
        sqlite3_bind_blob64(handle, index, $0.baseAddress, UInt64($0.count), csqlite_transient())
      }
    }
    try connection.check(rc, sql: sql)
  }

  /// Binds UTF-8 bytes as text to parameter `index` (SQLite copies them).
  public func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) throws(StoreError) {
    let rc: Int32
    if let base = bytes.baseAddress {
      rc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        sqlite3_bind_text64(
          handle, index, $0, UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
      }
    } else {
      rc = sqlite3_bind_text(handle, index, "", 0, csqlite_transient())
    }
    try connection.check(rc, sql: sql)
  }

  /// Steps once: true when a row is ready, false when done.
  public func step() throws(StoreError) -> Bool {
    let rc = sqlite3_step(handle)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    try connection.check(rc, sql: sql)
    return false
  }

  /// Resets the statement and clears its bindings, so it can run again.
  public func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  // MARK: Columns (0-based)

  public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

  public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

  public func text(_ column: Int32) -> String {
    guard let p = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
  }

  public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

  public func blob(_ column: Int32) -> [UInt8] {
    let count = Int(sqlite3_column_bytes(handle, column))
    guard count > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
    return Array(UnsafeRawBufferPointer(start: p, count: count))
  }

  /// The column's text bytes without copying, valid only inside `body` (fast paths: listing).
  public func withTextBytes<R>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let p = sqlite3_column_text(handle, column)
    let count = Int(sqlite3_column_bytes(handle, column))
    return body(UnsafeBufferPointer(start: p, count: p == nil ? 0 : count))
  }
}

extension Statement {
  /// Number of result columns.
  public var columnCount: Int32 { sqlite3_column_count(handle) }

  /// True when the column's value in this row is an integer.
  public func isInteger(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_INTEGER
  }
}

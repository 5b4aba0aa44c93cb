#if PostgreSQL
  import CLibPQ

  /// One result of a query (`PGresult`, https://www.postgresql.org/docs/current/libpq-exec.html),
  /// cleared in `deinit`. Values are text (the text result format); a value's bytes stay valid
  /// while the result lives.
  public final class PGResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var status: ExecStatusType { PQresultStatus(handle) }

    public var rowCount: Int { Int(PQntuples(handle)) }

    public var columnCount: Int { Int(PQnfields(handle)) }

    /// Rows an INSERT, UPDATE or DELETE changed (`PQcmdTuples`), 0 for anything else.
    public var changes: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    /// The command tag (`COMMIT`, or `ROLLBACK` when a failed transaction was ended by COMMIT).
    var commandTag: String { String(cString: PQcmdStatus(handle)) }

    public func isNull(_ row: Int, _ column: Int) -> Bool {
      PQgetisnull(handle, Int32(row), Int32(column)) == 1
    }

    public func text(_ row: Int, _ column: Int) -> String {
      String(cString: PQgetvalue(handle, Int32(row), Int32(column)))
    }

    public func optionalText(_ row: Int, _ column: Int) -> String? {
      isNull(row, column) ? nil : text(row, column)
    }

    public func int(_ row: Int, _ column: Int) -> Int64 {
      isNull(row, column) ? 0 : Self.parseInt(PQgetvalue(handle, Int32(row), Int32(column)))
    }

    /// True for the integer types (int2, int4, int8: OIDs 21, 23, 20 of pg_type.dat).
    func isInteger(_ column: Int) -> Bool {
      let oid = PQftype(handle, Int32(column))
      return oid == 20 || oid == 21 || oid == 23
    }

    /// The value's bytes without copying, valid only inside `body` (and while the result lives).
    func withText<R>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
      let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
      guard let value = PQgetvalue(handle, Int32(row), Int32(column)) else {
        return body(UnsafeBufferPointer(start: nil, count: 0))
      }
      return value.withMemoryRebound(to: UInt8.self, capacity: length) {
        body(UnsafeBufferPointer(start: $0, count: length))
      }
    }

    /// A decimal integer of the text format (no allocation).
    static func parseInt(_ p: UnsafePointer<CChar>?) -> Int64 {
      guard var p else { return 0 }
      var negative = false
      if p.pointee == 45 {  // -
        negative = true
        p += 1
      }
      var n: Int64 = 0
      while p.pointee >= 48 && p.pointee <= 57 {
        n = n &* 10 &+ Int64(p.pointee - 48)
        p += 1
      }
      return negative ? -n : n
    }

    /// A field of the error (https://www.postgresql.org/docs/current/libpq-exec.html#LIBPQ-PQRESULTERRORFIELD).
    func errorField(_ code: UInt8) -> String? {
      PQresultErrorField(handle, Int32(code)).map { String(cString: $0) }
    }
  }
#endif

#if PostgreSQL
  /// Times at the store's edge, as on SQLite (`StoredTime`): ISO-8601 UTC text of one width.
  enum PGTime {
    static func text(_ instant: Instant) -> String? { Timestamp.format(instant) }

    static func text(_ instant: Instant?) -> String? { instant.map(Timestamp.format) }

    /// `instant` as text, keeping the row's `stored` text when it names that same instant (the
    /// original app's `activated_at` stays as the app wrote it).
    static func text(_ instant: Instant?, keeping stored: String?) -> String? {
      guard let instant else { return nil }
      if let stored, StoredTime.instant(stored) == instant { return stored }
      return Timestamp.format(instant)
    }

    /// `activated_at` as SQLite writes it (`StoredTime.activationValue`): kept while it names
    /// the same instant, else with a `+00:00` offset, the form the original app's Python reads.
    static func activation(_ instant: Instant?, keeping stored: String?) -> String? {
      guard let instant else { return nil }
      if let stored, StoredTime.activation(stored) == instant { return stored }
      return Timestamp.formatWithOffset(instant)
    }
  }

  extension PGResult {
    func instant(_ row: Int, _ column: Int) -> Instant { StoredTime.instant(text(row, column)) }

    func optionalInstant(_ row: Int, _ column: Int) -> Instant? {
      isNull(row, column) ? nil : instant(row, column)
    }
  }
#endif

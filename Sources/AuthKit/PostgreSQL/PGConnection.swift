#if PostgreSQL
  import CLibPQ

  #if canImport(Glibc)
    import Glibc
  #endif

  /// One connection to a PostgreSQL server (`PGconn`,
  /// https://www.postgresql.org/docs/current/libpq-connect.html), finished in `deinit`. A
  /// command opens one and holds it to the end (one connection per command).
  ///
  /// Every value goes to the server as a bound parameter (`PQexecParams`, or `PQexecPrepared`
  /// for SQL run more than once), never spliced into the SQL text. Results use the text format.
  public final class PGConnection {
    let handle: OpaquePointer
    /// The location for messages, its password masked.
    public let display: String
    /// The oldest server this adapter supports (`server_version_num`): identity columns,
    /// `ON CONFLICT`, `SKIP LOCKED` and stored generated behaviour all exist from 12 on.
    public static let oldestServer: Int32 = 120_000
    /// How long a statement waits for a lock before `55P03` (busy, exit 75): SQLite's
    /// `busy_timeout`.
    public static let lockTimeoutMilliseconds = 5000

    private var prepared: [String: (name: String, ready: Bool)] = [:]
    /// Set when a statement failed with a serialization failure or a deadlock (40001, 40P01):
    /// the transaction is to be run again (see `PostgresStore.write`).
    var retryableFailure = false
    /// Cursors declared so far, for unique names (`PGCursor`).
    var cursors = 0

    /// Connects with the libpq connection string `conninfo` (a URI or keyword/value text).
    /// Defaults added when neither the string nor libpq's environment sets them:
    /// `connect_timeout=10`, `fallback_application_name=authctl`; always
    /// `client_encoding=UTF8`.
    public init(conninfo: String, display: String) throws(StoreError) {
      self.display = display
      var keywords: [String] = []
      var values: [String] = []
      var parseError: UnsafeMutablePointer<CChar>?
      guard let options = PQconninfoParse(conninfo, &parseError) else {
        let text = parseError.map { String(cString: $0) } ?? "out of memory"
        if let parseError { PQfreemem(parseError) }
        throw .engine(
          kind: .unsupported,
          message: "cannot read the PostgreSQL connection string \(display): \(Self.trim(text))")
      }
      var option = options
      while let keyword = option.pointee.keyword {
        if let value = option.pointee.val {
          keywords.append(String(cString: keyword))
          values.append(String(cString: value))
        }
        option += 1
      }
      PQconninfoFree(options)
      let env = Environment()
      if !keywords.contains("connect_timeout") && env["PGCONNECT_TIMEOUT"] == nil {
        keywords.append("connect_timeout")
        values.append("10")
      }
      keywords.append("fallback_application_name")
      values.append("authctl")
      if let i = keywords.firstIndex(of: "client_encoding") {
        values[i] = "UTF8"
      } else {
        keywords.append("client_encoding")
        values.append("UTF8")
      }
      let conn = withCStrings(keywords) { k in
        withCStrings(values) { v in PQconnectdbParams(k, v, 0) }
      }
      guard let conn else { throw .engine(kind: .other, message: "libpq: out of memory") }
      guard PQstatus(conn) == CONNECTION_OK else {
        let text = Self.trim(String(cString: PQerrorMessage(conn)))
        PQfinish(conn)
        throw StoreError.postgresConnection(text, display: display)
      }
      handle = conn
      PQsetNoticeProcessor(handle, { _, _ in }, nil)
      let version = PQserverVersion(handle)
      guard version >= Self.oldestServer else {
        throw .engine(
          kind: .unsupported,
          message:
            "the PostgreSQL server of \(display) is version \(Self.versionText(version)); authctl needs \(Self.versionText(Self.oldestServer)) or newer"
        )
      }
      // UTC: a stored time without an offset reads as UTC, as SQLite's `strftime` reads it.
      try execute("SET lock_timeout = \(Self.lockTimeoutMilliseconds); SET TIME ZONE 'UTC'")
    }

    deinit { PQfinish(handle) }

    /// `server_version_num` as people write it: 150004 → 15.4, 90624 → 9.6.24.
    static func versionText(_ v: Int32) -> String {
      v >= 100_000 ? "\(v / 10000).\(v % 10000)" : "\(v / 10000).\(v / 100 % 100).\(v % 100)"
    }

    /// libpq's messages end with a line break and may hold several lines.
    static func trim(_ text: String) -> String {
      text.split(whereSeparator: \.isNewline).map { String($0) }.joined(separator: "; ")
    }

    /// The server's version number (`PQserverVersion`, e.g. 150004).
    public var serverVersion: Int32 { PQserverVersion(handle) }

    /// True when the connection is encrypted (`sslmode` reached TLS).
    public var usesTLS: Bool { PQsslInUse(handle) == 1 }

    /// Inside a transaction (idle, active or failed).
    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// Inside a transaction a statement failed in: only ROLLBACK works now.
    var transactionFailed: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }

    /// Runs `sql` as a simple query (several statements allowed, nothing bound): schema changes
    /// and transaction control.
    @discardableResult
    public func execute(_ sql: String) throws(StoreError) -> PGResult {
      try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs one statement with `values` bound as `$1`, `$2`… (text format; nil is NULL).
    /// SQL run a second time is prepared once and then executed by name.
    @discardableResult
    public func query(_ sql: String, _ values: [String?] = []) throws(StoreError) -> PGResult {
      let raw: OpaquePointer?
      if let entry = prepared[sql] {
        if !entry.ready {
          _ = try check(PQprepare(handle, entry.name, sql, 0, nil), sql: sql)
          prepared[sql] = (entry.name, true)
        }
        raw = withParameters(values) { n, p in
          PQexecPrepared(handle, entry.name, n, p, nil, nil, 0)
        }
      } else {
        prepared[sql] = ("authctl_\(prepared.count + 1)", false)
        raw = withParameters(values) { n, p in
          PQexecParams(handle, sql, n, nil, p, nil, nil, 0)
        }
      }
      return try check(raw, sql: sql)
    }

    /// The result, or the typed error it (or the connection) reports.
    func check(_ raw: OpaquePointer?, sql: String?) throws(StoreError) -> PGResult {
      guard let raw else {
        throw StoreError.postgres(
          state: nil, message: String(cString: PQerrorMessage(handle)), sql: sql,
          connectionLost: PQstatus(handle) != CONNECTION_OK, display: display)
      }
      let result = PGResult(raw)
      switch result.status {
      case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_EMPTY_QUERY:
        return result
      default:
        let message =
          result.errorField(UInt8(ascii: "M")) ?? String(cString: PQerrorMessage(handle))
        let state = result.errorField(UInt8(ascii: "C"))
        if state == "40001" || state == "40P01" { retryableFailure = true }
        throw StoreError.postgres(
          state: state, message: message, sql: sql,
          connectionLost: PQstatus(handle) != CONNECTION_OK, display: display)
      }
    }

    /// The identifier quoted for SQL (`PQescapeIdentifier`), for names that cannot be bound
    /// (a cursor's, a table's chosen by the code, never by input).
    func quoted(_ identifier: String) -> String {
      guard let p = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
        return "\"\(identifier)\""
      }
      defer { PQfreemem(p) }
      return String(cString: p)
    }

    // MARK: COPY (db copy's fast path, https://www.postgresql.org/docs/current/sql-copy.html)

    /// Starts `COPY … FROM STDIN`; then `putCopyData` and `endCopy`.
    func beginCopyIn(_ sql: String) throws(StoreError) {
      let r = try execute(sql)
      guard r.status == PGRES_COPY_IN else {
        throw .engine(kind: .other, message: "COPY did not start (in: \(sql))")
      }
    }

    /// Sends one chunk of COPY text (blocking).
    func putCopyData(_ bytes: [UInt8]) throws(StoreError) {
      guard !bytes.isEmpty else { return }
      let rc = bytes.withUnsafeBufferPointer {
        $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: $0.count) {
          PQputCopyData(handle, $0, Int32(bytes.count))
        }
      }
      if rc != 1 {
        throw StoreError.postgres(
          state: nil, message: String(cString: PQerrorMessage(handle)), sql: "COPY",
          connectionLost: PQstatus(handle) != CONNECTION_OK, display: display)
      }
    }

    /// Ends the COPY and returns how many rows it stored.
    @discardableResult
    func endCopy() throws(StoreError) -> Int {
      guard PQputCopyEnd(handle, nil) == 1 else {
        throw StoreError.postgres(
          state: nil, message: String(cString: PQerrorMessage(handle)), sql: "COPY",
          connectionLost: PQstatus(handle) != CONNECTION_OK, display: display)
      }
      var rows = 0
      var failure: StoreError?
      while let raw = PQgetResult(handle) {
        do {
          rows = try check(raw, sql: "COPY").changes
        } catch { failure = failure ?? error }
      }
      if let failure { throw failure }
      return rows
    }
  }

  /// Runs `body` with `strings` as a NULL-terminated array of C strings.
  func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R)
    -> R
  {
    let copies = strings.map { strdup($0) }
    defer { for c in copies { free(c) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  /// Runs `body` with the parameter count and values as libpq takes them (nil is NULL).
  func withParameters<R>(
    _ values: [String?], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> R
  ) -> R {
    if values.isEmpty { return body(0, nil) }
    let copies = values.map { $0.map { strdup($0) } ?? nil }
    defer { for c in copies { free(c) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { body(Int32(values.count), $0.baseAddress) }
  }

  /// The process environment, read once (libpq reads its own `PG…` variables itself).
  struct Environment {
    subscript(name: String) -> String? { getenv(name).map { String(cString: $0) } }
  }
#endif

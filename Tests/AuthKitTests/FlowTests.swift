import AuthKit
import Foundation
import TestSupport
import Testing

/// Every flow driven directly (issue 12's test pyramid): a temporary SQLite store, an
/// advanceable `TestClock` and the local mailbox transport as the recording mail sink (no
/// `MAIL_SERVER`, no `MAIL_SUPPRESS_SEND`: each delivered mail is appended to `flow.mbox` in
/// the folder and read back decoded). Each refusal, expiry, lockout, code limit and stamp rule
/// of issues 3 and 5 is here, timed by moving the clock, never by sleeping. The suites for each
/// flow are in `FlowTests+*.swift`. Every test runs on SQLite and on PostgreSQL (`.bothStores`,
/// issue 13).
@Suite(.bothStores) struct FlowTests {}

/// One flow test's world: store, clock, mailbox, session file and the `FlowContext` over them.
final class FlowWorld {
  static let secret = "flow-tests-secret-0123456789abcdef0123456789"
  static let password = "correct horse battery 9"

  let dir: TempDir
  let clock: TestClock
  let ctx: FlowContext
  let file: SessionFile
  /// The delivery reports the kernel handed over, in order.
  var reports: [DeliveryReport] = []

  /// A migrated store with `JWT_SECRET` set, bcrypt cost 4 and `settings` on top; the mail
  /// goes to the local mailbox, or to `notifiers` when given (a `RecordingNotifier`).
  init(_ settings: [String: String] = [:], notifiers: [any Notifier]? = nil) throws {
    dir = try TempDir("flow")
    clock = TestClock()
    let db = dir.file("flow.sqlite")
    var env = [
      "AUTHCTL_DB": db, "JWT_SECRET": Self.secret, "AUTHCTL_BCRYPT_COST": "4",
    ]
    env.merge(settings) { $1 }
    _ = FileManager.default.createFile(atPath: dir.file("empty.env"), contents: Data())
    let config = try Config(
      environment: env, envFile: dir.file("empty.env"), observer: SilentObserver())
    // The store of `FlowStore.current`; the mailbox stays `flow.mbox` in the folder (the
    // settings name the SQLite path, which a PostgreSQL world never creates).
    let store = try FlowStore.store(
      sqlitePath: db,
      MigrationContext(
        now: clock.now, randomBytes: { try Random.bytes($0) }, jwtSecretConfigured: true,
        notice: { _ in }))
    ctx = try FlowContext(
      store: store, settings: config.settings, clock: clock.clock, observer: SilentObserver(),
      notifiers: notifiers.map { Notifiers($0) })
    file = SessionFile(path: dir.file("state/session"))
    ctx.deliveries = { [unowned self] in self.reports.append($0) }
  }

  var store: any Store { ctx.store }

  /// Runs `sql` straight on the store's connection, as another program sharing the database
  /// would (the same text on SQLite and PostgreSQL); returns the changed row count.
  @discardableResult
  func execute(_ sql: String) throws -> Int {
    if let sqlite = store as? SQLiteStore { return try sqlite.connection.run(sql) }
    #if PostgreSQL
      if let pg = store as? PostgresStore { return try pg.connection.query(sql).changes }
    #endif
    throw TestSupportError("no raw SQL for \(store.location)")
  }

  /// One integer from `sql`, on either store.
  func integer(_ sql: String) throws -> Int64 {
    if let sqlite = store as? SQLiteStore {
      return try sqlite.connection.first(sql) { $0.int(0) } ?? -1
    }
    #if PostgreSQL
      if let pg = store as? PostgresStore {
        let r = try pg.connection.query(sql)
        return r.rowCount > 0 ? r.int(0, 0) : -1
      }
    #endif
    throw TestSupportError("no raw SQL for \(store.location)")
  }

  // MARK: The mailbox

  /// Every mail delivered so far, oldest first.
  func mails() throws -> [DecodedMessage] {
    let path = MailboxNotifier.path(forDatabase: dir.file("flow.sqlite"))
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    return try Mailbox(path: path).messages().compactMap(DecodedMessage.parse)
  }

  /// The newest mail to `email`.
  func lastMail(to email: String = "me@example.com") throws -> DecodedMessage {
    try #require(try mails().last { $0.to == email }, "a mail to \(email)")
  }

  /// The value of a `Name: value` line of the newest mail to `email`.
  func mailed(_ name: String, to email: String = "me@example.com") throws -> String {
    let body = try lastMail(to: email).body
    for line in body.split(separator: "\n") where line.hasPrefix(name + ": ") {
      return String(line.dropFirst(name.count + 2))
    }
    Issue.record("no \(name) line in: \(body)")
    return ""
  }

  // MARK: The store

  func account(_ email: String = "me@example.com") throws -> Account {
    try #require(try store.read { try $0.account(email: email) })
  }

  /// Changes the account's row directly (a test's shortcut, as sqlite3 in the binary tests).
  func update(_ email: String = "me@example.com", _ change: (inout Account) -> Void) throws {
    try store.write { tx in
      var a = try #require(try tx.account(email: email))
      change(&a)
      try tx.updateAccount(a)
    }
  }

  /// Audit events as (event, outcome ok, reason) of `event` (all when nil), oldest first.
  func audit(_ event: String? = nil) throws -> [(event: String, ok: Bool, reason: String?)] {
    var filter = AuditFilter()
    filter.event = event
    return try store.read { tx in
      let c = try tx.auditEvents(filter)
      var rows: [(String, Bool, String?)] = []
      func text(_ i: Int) -> String? {
        c.isNull(i) ? nil : c.withText(i) { String(decoding: $0, as: UTF8.self) }
      }
      while try c.next() { rows.append((text(1) ?? "", text(4) == "ok", text(5))) }
      return rows
    }
  }

  /// Failed audit events of `event`.
  func failures(_ event: String) throws -> [String] {
    try audit(event).filter { !$0.ok }.map { $0.reason ?? "" }
  }

  /// Rows of `sessions` that are live at the clock's time.
  func liveSessions(_ email: String = "me@example.com") throws -> Int {
    let a = try account(email)
    return try store.read { try $0.liveSessionCount(userID: a.id, now: clock.now) }
  }

  // MARK: Walks

  /// Registers `email` with the known password and confirms it with the mailed token, proving
  /// the password.
  @discardableResult
  func confirmedAccount(_ email: String = "me@example.com") throws -> Account {
    try Register(ctx).run(email, chosenPassword: Self.password)
    try Confirm(ctx).run(try mailed("Token", to: email)) { Self.password }
    return try account(email)
  }

  /// Mails `email` a reset token and code (`Recover`) and returns them.
  func recover(_ email: String = "me@example.com") throws -> (token: String, code: String) {
    try Recover(ctx).run(email)
    return (try mailed("Token", to: email), try mailed("Code", to: email))
  }

  /// A confirmed account, logged in (the session file written).
  @discardableResult
  func loggedIn(_ email: String = "me@example.com") throws -> Login.Result {
    try confirmedAccount(email)
    return try Login(ctx).run(email, password: Self.password, file: file)
  }
}

/// Expects `body` to throw `FlowError.refused` whose message contains `text`.
func expectRefused(
  _ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("not refused (wanted '\(text)')", sourceLocation: sourceLocation)
  } catch let FlowError.refused(message) {
    #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
  } catch {
    Issue.record("\(error), wanted a refusal '\(text)'", sourceLocation: sourceLocation)
  }
}

extension FlowTests {
  /// `.bothStores` really runs each test on its store.
  @Suite struct Stores {
    @Test func eachRunIsOnItsStore() throws {
      let w = try FlowWorld()
      #expect((w.store.file != nil) == (FlowStore.current == .sqlite))
      #expect(w.store.location.hasPrefix("postgresql://") == (FlowStore.current == .postgres))
      try w.confirmedAccount()
      #expect(try w.account().activatedAt != nil)
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// A time the test moves by hand: flows see it through a `Clock` (DESIGN.md, "Time").
final class TestTime: @unchecked Sendable {
  private let lock = NSLock()
  private var seconds: Int64

  init(_ seconds: Int64) { self.seconds = seconds }

  var now: Int64 {
    lock.lock()
    defer { lock.unlock() }
    return seconds
  }

  func advance(_ by: Int64) {
    lock.lock()
    seconds += by
    lock.unlock()
  }

  var clock: Clock { Clock { self.now } }
}

/// The flows of one temporary database at a time the test moves: its context, its mailbox
/// (no mail server: mail goes to the mailbox beside the database), and helpers.
final class FlowHarness: @unchecked Sendable {
  static let secret = "flow-test-secret-0123456789abcdef0123456789"

  let dir: TempDir
  let db: String
  let time: TestTime
  let store: SQLiteStore
  let ctx: FlowContext

  init(env extra: [String: String] = [:], start: Int64 = 1_800_000_000) throws {
    dir = try TempDir("flows")
    db = dir.file("flow.sqlite")
    time = TestTime(start)
    store = try SQLiteStore(path: db, create: true)
    _ = try store.migrate(
      MigrationContext(
        now: Timestamp.format(start), randomBytes: { try Random.bytes($0) },
        jwtSecretConfigured: true, notice: { _ in }))
    var env = ["JWT_SECRET": Self.secret, "AUTHCTL_BCRYPT_COST": "4", "AUTHCTL_DB": db]
    env.merge(extra) { $1 }
    let settings = try Config(environment: env, observer: SilentObserver()).settings
    ctx = try FlowContext(
      store: store, settings: settings, clock: time.clock, observer: SilentObserver())
  }

  /// A session file of its own for each name.
  func session(_ name: String = "session") -> SessionFile {
    SessionFile(path: dir.file("state-\(name)/session"))
  }

  /// Every mail so far, decoded, oldest first.
  func mails() throws -> [DecodedMessage] {
    try Mailbox(path: Mailer.mailboxPath(forDatabase: db)).messages().compactMap(
      DecodedMessage.parse)
  }

  /// The newest mail to `address`.
  func lastMail(to address: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> DecodedMessage
  {
    try #require(
      try mails().last { $0.to == address }, "no mail to \(address)",
      sourceLocation: sourceLocation)
  }

  /// The value of a `Name: value` line of a mail.
  static func line(_ name: String, _ mail: DecodedMessage) -> String? {
    mail.body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
  }

  func account(_ email: String) throws -> Account? {
    try store.read { try $0.account(email: email) }
  }

  /// A confirmed account with `password`: registered with it, confirmed with its proof.
  @discardableResult
  func confirmed(_ email: String, _ password: String) throws -> Account {
    try Register(ctx).run(email, chosenPassword: password)
    let token = try #require(Self.line("Token", try lastMail(to: email)))
    return try Confirm(ctx).run(token) { password }.account
  }

  /// Logs in with a session file of its own.
  @discardableResult
  func login(_ email: String, _ password: String, session name: String = "session") throws
    -> Login.Result
  {
    try Login(ctx).run(email, password: password, file: session(name))
  }

  /// The `FlowError` `body` throws (nil when it throws nothing or something else).
  func flowError(_ body: () throws -> Void) -> FlowError? {
    do {
      try body()
      return nil
    } catch {
      return error as? FlowError
    }
  }
}

import Foundation
import TestSupport
import Testing

@testable import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// The `Check` flow, `AccountAccess` and `HtpasswdExport` over a real store and a clock the
/// tests move (issue 14).
@Suite struct CheckFlowTests {
  static let start: Int64 = 1_800_000_000
  static let password = "correct horse battery 9"

  /// A migrated store, a clock the test moves, and a flow context over them.
  final class Fixture {
    let dir: TempDir
    let store: SQLiteStore
    let ctx: FlowContext
    var now: Int64 = CheckFlowTests.start

    init(_ settings: [String: String] = [:]) throws {
      dir = try TempDir("check-flow")
      store = try SQLiteStore(path: dir.file("flow.sqlite"), create: true)
      _ = try store.migrate(
        MigrationContext(
          now: Timestamp.format(CheckFlowTests.start), randomBytes: { try Random.bytes($0) },
          jwtSecretConfigured: true, notice: { _ in }))
      let config = try Config(
        environment: [
          "JWT_SECRET": "check-flow-test-secret-0123456789abcdef", "AUTHCTL_BCRYPT_COST": "4",
          "AUTHCTL_LOCKOUT_THRESHOLD": "3",
        ].merging(settings) { $1 }, defaultEnvFile: false, observer: SilentObserver())
      let box = Box()
      ctx = try FlowContext(
        store: store, settings: config.settings, clock: Clock { box.fixture?.now ?? 0 },
        observer: SilentObserver())
      box.fixture = self
    }

    final class Box: @unchecked Sendable { weak var fixture: Fixture? }

    /// Adds an account with `hash` (default: the password at cost 4).
    @discardableResult
    func add(
      _ email: String, confirmed: Bool = true, disabled: Bool = false, hash: String? = nil
    ) throws -> Account {
      let a = Account(
        id: try Random.uuid4(), email: email,
        passwordHash: try hash ?? PasswordHasher(cost: 4).hash(CheckFlowTests.password),
        activatedAt: confirmed ? Timestamp.format(now) : nil, createdAt: Timestamp.format(now),
        updatedAt: nil, disabledAt: disabled ? Timestamp.format(now) : nil, failedLogins: 0,
        lockedUntil: nil, lastLoginAt: nil, passwordGenerated: false, stamp: nil)
      try store.write { try $0.insertAccount(a) }
      return a
    }

    func account(_ email: String) throws -> Account {
      try #require(try store.read { try $0.account(email: email) })
    }

    func audit(_ sql: String) throws -> [String] {
      try store.connection.all(sql) { $0.optionalText(0) ?? "NULL" }
    }

    func refusal(_ email: String, _ password: String) -> String? {
      do {
        _ = try Check(ctx).run(email, password: password)
        return nil
      } catch let e as FlowError {
        guard case .refused(let m) = e else { return "not a refusal: \(e)" }
        return m
      } catch {
        return "unexpected \(error)"
      }
    }
  }

  @Test func aRightPasswordWritesNothingButTheSettledReservation() throws {
    let f = try Fixture()
    let before = try f.add("ann@example.com")
    let a = try Check(f.ctx).run("Ann@Example.com ", password: Self.password)
    #expect(a.email == "ann@example.com")
    #expect(try f.account("ann@example.com") == before, "the row is as it was")
    #expect(try f.audit("SELECT event FROM audit") == [], "no audit event")
  }

  @Test func aWrongPasswordIsCountedAndAudited() throws {
    let f = try Fixture()
    try f.add("ann@example.com")
    #expect(f.refusal("ann@example.com", "nope") == "wrong password")
    #expect(try f.account("ann@example.com").failedLogins == 1)
    #expect(
      try f.audit("SELECT event || ' ' || outcome || ' ' || reason FROM audit")
        == ["check failed wrong password"])
  }

  /// Unconfirmed and disabled are told only to whoever proved the password; a wrong one says
  /// only "wrong password", whatever the state.
  @Test func statesAreToldOnlyAfterTheRightPassword() throws {
    let f = try Fixture()
    try f.add("una@example.com", confirmed: false)
    try f.add("dis@example.com", disabled: true)
    #expect(f.refusal("una@example.com", Self.password)?.contains("is not confirmed") == true)
    #expect(f.refusal("dis@example.com", Self.password)?.contains("is disabled") == true)
    #expect(f.refusal("una@example.com", "nope") == "wrong password")
    #expect(f.refusal("dis@example.com", "nope") == "wrong password")
    #expect(try f.account("una@example.com").failedLogins == 1, "the right one settled its count")
  }

  /// A locked account is refused before any hash runs: its hash here is bcrypt at cost 20
  /// (over a minute to check), and the refusal comes at once.
  @Test func aLockedAccountIsRefusedBeforeAnyHash() throws {
    let f = try Fixture()
    let slow = "$2b$20$" + String(repeating: ".", count: 53)
    var a = try f.add("loc@example.com", hash: slow)
    a.lockedUntil = Timestamp.format(f.now + 600)
    _ = try f.store.write { try $0.updateAccount(a) }
    let started = Date()
    #expect(f.refusal("loc@example.com", Self.password)?.contains("is locked until") == true)
    #expect(Date().timeIntervalSince(started) < 20, "no cost-20 hash ran")
    #expect(try f.account("loc@example.com").failedLogins == 0, "nothing counted")
  }

  @Test func theLockoutEngagesAtTheThresholdAndEndsOnTime() throws {
    let f = try Fixture()
    try f.add("max@example.com")
    for _ in 0..<2 { #expect(f.refusal("max@example.com", "nope") == "wrong password") }
    #expect(f.refusal("max@example.com", "nope")?.contains("is now locked for 15m") == true)
    #expect(f.refusal("max@example.com", Self.password)?.contains("is locked until") == true)
    #expect(try f.audit("SELECT count(*) FROM audit WHERE event = 'lockout'") == ["1"])
    f.now += 15 * 60 + 1
    _ = try Check(f.ctx).run("max@example.com", password: Self.password)
    let after = try f.account("max@example.com")
    #expect(after.failedLogins == 0 && after.lockedUntil == nil)
  }

  @Test func anUnknownAccountIsRefusedAndAuditedLikeAWrongPassword() throws {
    let f = try Fixture()
    #expect(f.refusal("nobody@example.com", "nope") == "no account with email nobody@example.com")
    #expect(
      try f.audit("SELECT email || ' ' || outcome FROM audit")
        == ["nobody@example.com failed"])
    #expect(f.refusal("nobody@example.com", "") == "the password is empty")
  }

  @Test func recordLoginRecordsTheLoginAndRehashes() throws {
    let f = try Fixture()
    try f.add("ann@example.com", hash: try PasswordHasher(cost: 5).hash(Self.password))
    _ = try Check(f.ctx).run("ann@example.com", password: Self.password)
    #expect(try f.account("ann@example.com").passwordHash?.hasPrefix("$2b$05$") == true)
    let a = try Check(f.ctx).run("ann@example.com", password: Self.password, recordLogin: true)
    #expect(a.lastLoginAt == Timestamp.format(f.now))
    #expect(try f.account("ann@example.com").passwordHash?.hasPrefix("$2b$04$") == true)
    #expect(
      try f.audit("SELECT detail FROM audit WHERE outcome = 'ok'")
        == ["login recorded; rehashed at the configured cost"])
  }

  /// PAM's account phase: the state only, nothing counted, nothing written on success.
  @Test func standingDecidesWithoutAPassword() throws {
    let f = try Fixture()
    try f.add("ann@example.com")
    try f.add("dis@example.com", disabled: true)
    #expect(try Check(f.ctx).standing("ann@example.com").email == "ann@example.com")
    #expect(throws: FlowError.self) { try Check(f.ctx).standing("dis@example.com") }
    #expect(throws: FlowError.self) { try Check(f.ctx).standing("nobody@example.com") }
    #expect(try f.account("dis@example.com").failedLogins == 0)
    #expect(try f.audit("SELECT count(*) FROM audit WHERE outcome = 'ok'") == ["0"])
  }

  @Test func accountAccessIsOneDecision() throws {
    let now: Int64 = 1_800_000_000
    var a = Account(
      id: "x", email: "a@example.com", passwordHash: "h", activatedAt: "2024-01-01T00:00:00Z",
      createdAt: nil, updatedAt: nil, disabledAt: nil, failedLogins: 0, lockedUntil: nil,
      lastLoginAt: nil, passwordGenerated: false, stamp: nil)
    #expect(AccountAccess.afterPassword(a, now: now) == .allowed)
    #expect(AccountAccess.standing(a, now: now) == .allowed)
    a.lockedUntil = Timestamp.format(now + 60)
    #expect(AccountAccess.afterPassword(a, now: now) == .allowed, "the lock is the reservation's")
    #expect(AccountAccess.standing(a, now: now).refusal?.message.contains("locked") == true)
    a.lockedUntil = Timestamp.format(now - 60)
    #expect(AccountAccess.standing(a, now: now) == .allowed, "an ended lock")
    a.disabledAt = "2024-02-01T00:00:00Z"
    #expect(AccountAccess.afterPassword(a, now: now).refusal?.message.contains("disabled") == true)
    a.activatedAt = nil
    #expect(
      AccountAccess.afterPassword(a, now: now).refusal?.message.contains("not confirmed") == true,
      "unconfirmed is told first")
  }

  /// The dummy hash is a setting libxcrypt computes a full bcrypt for, at the configured cost
  /// (not one it refuses at once), and no password matches it.
  @Test func theDummyHashCostsOneBcryptAtTheConfiguredCost() throws {
    for cost in [4, 9, 12] {
      let hasher = try PasswordHasher(cost: cost)
      #expect(
        hasher.dummyHash.count == 60
          && hasher.dummyHash.hasPrefix(String(format: "$2b$%02d$", cost)))
      let computed = try #require(PasswordHasher.crypt("anything", setting: hasher.dummyHash))
      #expect(
        computed.hasPrefix(String(hasher.dummyHash.prefix(29))) && computed != hasher.dummyHash)
      #expect(!hasher.verify("anything", against: hasher.dummyHash))
    }
  }

  // MARK: - HtpasswdExport

  @Test func theHtpasswdFileHoldsTheAccountsThatMayLogIn() throws {
    let f = try Fixture()
    let hash = try PasswordHasher(cost: 4).hash(Self.password)
    try f.add("ann@example.com", hash: hash)
    try f.add("una@example.com", confirmed: false, hash: hash)
    try f.add("dis@example.com", disabled: true, hash: hash)
    try f.add("sha@example.com", hash: "$6$saltsalt$" + String(repeating: "a", count: 86))
    try f.add("none@example.com", hash: "")
    try f.add("odd@example.com", hash: "{SSHA}abc")
    var loc = try f.add("loc@example.com", hash: hash)
    loc.lockedUntil = Timestamp.format(f.now + 60)
    _ = try f.store.write { try $0.updateAccount(loc) }
    let path = f.dir.file("out.htpasswd")
    try "old content\n".write(toFile: path, atomically: true, encoding: .utf8)
    let inode = try #require(FileOwner(path: path)).inode
    let r = try HtpasswdExport(store: f.store, clock: f.ctx.clock).run(to: path)
    #expect(r.exported == 2 && r.leftOut == 5 && !r.groupChanged)
    #expect(
      try String(contentsOfFile: path, encoding: .utf8)
        == "ann@example.com:\(hash)\nsha@example.com:$6$saltsalt$\(String(repeating: "a", count: 86))\n"
    )
    let file = try #require(FileOwner(path: path))
    #expect(file.mode == 0o640 && file.inode != inode, "a new file renamed over the old one")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: f.dir.path).filter { $0.hasPrefix(".") }
        == [])
    // The lock ends: the next export has the account again.
    f.now += 61
    #expect(try HtpasswdExport(store: f.store, clock: f.ctx.clock).run(to: path).exported == 3)
  }

  @Test(.enabled(if: geteuid() == 0, "giving a file another group needs root"))
  func anExistingFilesGroupIsKept() throws {
    let group = try #require(getgrnam("nogroup"))
    let f = try Fixture()
    try f.add("ann@example.com")
    let path = f.dir.file("kept.htpasswd")
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let gid = group.pointee.gr_gid
    #expect(chown(path, 0, gid) == 0)
    _ = try HtpasswdExport(store: f.store, clock: f.ctx.clock).run(to: path)
    #expect(try #require(FileOwner(path: path)).gid == gid)
  }

  @Test func fieldsThatWouldBreakALineAreLeftOut() {
    #expect(HtpasswdExport.fits("a@example.com", "$2b$04$abc"))
    #expect(!HtpasswdExport.fits("a:b@example.com", "$2b$04$abc"))
    #expect(!HtpasswdExport.fits("a@example.com", "$2b$04$a\nb"))
    #expect(!HtpasswdExport.fits("a@example.com", "$1$md5"))
  }
}

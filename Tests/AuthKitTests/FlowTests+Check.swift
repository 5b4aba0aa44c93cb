import Foundation
import TestSupport
import Testing

@testable import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

extension FlowWorld {
  /// Adds an account straight into the store: confirmed and enabled unless told, with `hash`
  /// (default: the known password at cost 4).
  @discardableResult
  func add(
    _ email: String, confirmed: Bool = true, disabled: Bool = false, hash: String? = nil
  ) throws -> Account {
    let now = clock.now
    let a = Account(
      id: try Random.uuid4(), email: email,
      passwordHash: try hash ?? PasswordHasher(cost: 4).hash(FlowWorld.password),
      activatedAt: confirmed ? now : nil, createdAt: now, updatedAt: nil,
      disabledAt: disabled ? now : nil, failedLogins: 0, lockedUntil: nil, lastLoginAt: nil,
      passwordGenerated: false, stamp: nil)
    try store.write { try $0.insertAccount(a) }
    return a
  }
}

extension FlowTests {
  /// `Check` (issue 14), `AccountAccess` and `HtpasswdExport`: the login rules without a
  /// session, told only after the password, the reservation, unknown accounts, record-login,
  /// PAM's account phase, the dummy hash, and the htpasswd file.
  @Suite struct CheckFlow {
    static let password = FlowWorld.password

    @Test func aRightPasswordWritesNothingButTheSettledReservation() throws {
      let w = try FlowWorld()
      let before = try w.add("ann@example.com")
      let a = try Check(w.ctx).run("Ann@Example.com ", password: Self.password)
      #expect(a.email == "ann@example.com")
      #expect(try w.account("ann@example.com") == before, "the row is as it was")
      #expect(try w.audit().isEmpty, "no audit event")
    }

    @Test func aWrongPasswordIsCountedAndAudited() throws {
      let w = try FlowWorld()
      try w.add("ann@example.com")
      expectRefused("wrong password") {
        _ = try Check(w.ctx).run("ann@example.com", password: "no")
      }
      #expect(try w.account("ann@example.com").failedLogins == 1)
      #expect(try w.failures("check") == ["wrong password"])
    }

    /// Unconfirmed and disabled are told only to whoever proved the password; a wrong one
    /// says only "wrong password", whatever the state.
    @Test func statesAreToldOnlyAfterTheRightPassword() throws {
      let w = try FlowWorld()
      try w.add("una@example.com", confirmed: false)
      try w.add("dis@example.com", disabled: true)
      let check = Check(w.ctx)
      expectRefused("is not confirmed") {
        _ = try check.run("una@example.com", password: Self.password)
      }
      expectRefused("is disabled") { _ = try check.run("dis@example.com", password: Self.password) }
      for email in ["una@example.com", "dis@example.com"] {
        do {
          _ = try check.run(email, password: "not it")
          Issue.record("not refused")
        } catch let FlowError.refused(message) {
          #expect(message == "wrong password", "\(email): \(message)")
        }
      }
      #expect(try w.account("una@example.com").failedLogins == 1, "the right one settled its count")
    }

    /// The lifecycle's states (issue 16) reach check through `AccountAccess`: an expired or
    /// not-yet-valid account and one due for a new password are refused after the right
    /// password — check mails no reset, unlike login — and left out of the htpasswd file.
    @Test func lifecycleStatesAreRefusedToo() throws {
      let w = try FlowWorld()
      for email in ["old@example.com", "soon@example.com", "reset@example.com"] {
        try w.add(email)
      }
      let now = w.clock.now
      try w.update("old@example.com") { $0.expiresAt = now - .seconds(1) }
      try w.update("soon@example.com") { $0.validFrom = now + .seconds(3600) }
      try w.update("reset@example.com") { $0.mustResetAt = now }
      let check = Check(w.ctx)
      expectRefused("account expired") {
        _ = try check.run("old@example.com", password: Self.password)
      }
      expectRefused("not yet valid") {
        _ = try check.run("soon@example.com", password: Self.password)
      }
      expectRefused("password change required") {
        _ = try check.run("reset@example.com", password: Self.password)
      }
      expectRefused("account expired") { _ = try check.standing("old@example.com") }
      #expect(try w.mails().isEmpty, "no reset mailed by check")
      let path = w.dir.file("lifecycle.htpasswd")
      #expect(try HtpasswdExport(store: w.store, clock: w.clock.clock).run(to: path).exported == 0)
    }

    /// A locked account is refused before any hash runs: its hash here is bcrypt at cost 20
    /// (over a minute to check), and the refusal comes at once.
    @Test func aLockedAccountIsRefusedBeforeAnyHash() throws {
      let w = try FlowWorld()
      try w.add("loc@example.com", hash: "$2b$20$" + String(repeating: ".", count: 53))
      try w.update("loc@example.com") { $0.lockedUntil = w.clock.now + .seconds(600) }
      let started = Date()
      expectRefused("is locked until") {
        _ = try Check(w.ctx).run("loc@example.com", password: Self.password)
      }
      #expect(Date().timeIntervalSince(started) < 20, "no cost-20 hash ran")
      #expect(try w.account("loc@example.com").failedLogins == 0, "nothing counted")
    }

    @Test func theLockoutEngagesAtTheThresholdAndEndsOnTime() throws {
      let w = try FlowWorld(["AUTHCTL_LOCKOUT_THRESHOLD": "3"])
      try w.add("max@example.com")
      let check = Check(w.ctx)
      for _ in 0..<2 {
        expectRefused("wrong password") { _ = try check.run("max@example.com", password: "no") }
      }
      expectRefused("is now locked for 15m") {
        _ = try check.run("max@example.com", password: "no")
      }
      expectRefused("is locked until") {
        _ = try check.run("max@example.com", password: Self.password)
      }
      #expect(try w.audit("lockout").count == 1)
      w.clock.advance(by: .seconds(15 * 60 + 1))
      _ = try check.run("max@example.com", password: Self.password)
      let after = try w.account("max@example.com")
      #expect(after.failedLogins == 0 && after.lockedUntil == nil)
    }

    @Test func anUnknownAccountIsRefusedAndAudited() throws {
      let w = try FlowWorld()
      expectRefused("no account with email nobody@example.com") {
        _ = try Check(w.ctx).run("nobody@example.com", password: "no")
      }
      #expect(try w.failures("check") == ["no account with email nobody@example.com"])
      expectRefused("the password is empty") {
        _ = try Check(w.ctx).run("nobody@example.com", password: "")
      }
    }

    @Test func recordLoginRecordsTheLoginAndRehashes() throws {
      let w = try FlowWorld()
      try w.add("ann@example.com", hash: try PasswordHasher(cost: 5).hash(Self.password))
      _ = try Check(w.ctx).run("ann@example.com", password: Self.password)
      #expect(try w.account("ann@example.com").passwordHash?.hasPrefix("$2b$05$") == true)
      w.clock.advance(by: .seconds(7))
      let a = try Check(w.ctx).run("ann@example.com", password: Self.password, recordLogin: true)
      #expect(a.lastLoginAt == w.clock.now)
      #expect(try w.account("ann@example.com").passwordHash?.hasPrefix("$2b$04$") == true)
      let ok = try w.audit("check").filter(\.ok)
      #expect(ok.count == 1)
    }

    /// PAM's account phase: the state only, nothing counted, nothing written on success.
    @Test func standingDecidesWithoutAPassword() throws {
      let w = try FlowWorld()
      try w.add("ann@example.com")
      try w.add("dis@example.com", disabled: true)
      #expect(try Check(w.ctx).standing("ann@example.com").email == "ann@example.com")
      expectRefused("is disabled") { _ = try Check(w.ctx).standing("dis@example.com") }
      expectRefused("no account") { _ = try Check(w.ctx).standing("nobody@example.com") }
      #expect(try w.account("dis@example.com").failedLogins == 0)
      #expect(try w.audit("check").filter(\.ok).isEmpty)
    }

    @Test func accountAccessIsOneDecision() throws {
      let now = Instant(seconds: 1_800_000_000)
      var a = Account(
        id: "x", email: "a@example.com", passwordHash: "h", activatedAt: now, createdAt: nil,
        updatedAt: nil, disabledAt: nil, failedLogins: 0, lockedUntil: nil, lastLoginAt: nil,
        passwordGenerated: false, stamp: nil)
      #expect(AccountAccess.afterPassword(a, now: now) == .allowed)
      #expect(AccountAccess.standing(a, now: now) == .allowed)
      a.lockedUntil = now + .seconds(60)
      #expect(AccountAccess.afterPassword(a, now: now) == .allowed, "the lock is the reservation's")
      #expect(AccountAccess.standing(a, now: now).refusal?.message.contains("locked") == true)
      a.lockedUntil = now - .seconds(60)
      #expect(AccountAccess.standing(a, now: now) == .allowed, "an ended lock")
      a.disabledAt = now
      #expect(
        AccountAccess.afterPassword(a, now: now).refusal?.message.contains("disabled") == true)
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
        let prefix = String(format: "$2b$%02d$", cost)
        #expect(hasher.dummyHash.count == 60 && hasher.dummyHash.hasPrefix(prefix))
        let computed = try #require(PasswordHasher.crypt("anything", setting: hasher.dummyHash))
        #expect(computed.hasPrefix(String(hasher.dummyHash.prefix(29))))
        #expect(computed != hasher.dummyHash)
        #expect(!hasher.verify("anything", against: hasher.dummyHash))
      }
    }

    // MARK: HtpasswdExport

    @Test func theHtpasswdFileHoldsTheAccountsThatMayLogIn() throws {
      let w = try FlowWorld()
      let hash = try PasswordHasher(cost: 4).hash(Self.password)
      let sha = "$6$saltsalt$" + String(repeating: "a", count: 86)
      try w.add("ann@example.com", hash: hash)
      try w.add("una@example.com", confirmed: false, hash: hash)
      try w.add("dis@example.com", disabled: true, hash: hash)
      try w.add("sha@example.com", hash: sha)
      try w.add("none@example.com", hash: "")
      try w.add("odd@example.com", hash: "{SSHA}abc")
      try w.add("loc@example.com", hash: hash)
      try w.update("loc@example.com") { $0.lockedUntil = w.clock.now + .seconds(60) }
      let path = w.dir.file("out.htpasswd")
      try "old content\n".write(toFile: path, atomically: true, encoding: .utf8)
      let inode = try #require(FileOwner(path: path)).inode
      let r = try HtpasswdExport(store: w.store, clock: w.clock.clock).run(to: path)
      #expect(r.exported == 2 && r.leftOut == 5 && !r.groupChanged)
      #expect(
        try String(contentsOfFile: path, encoding: .utf8)
          == "ann@example.com:\(hash)\nsha@example.com:\(sha)\n")
      let file = try #require(FileOwner(path: path))
      #expect(file.mode == 0o640 && file.inode != inode, "a new file renamed over the old one")
      let hidden = try FileManager.default.contentsOfDirectory(atPath: w.dir.path)
        .filter { $0.hasPrefix(".") }
      #expect(hidden == [], "no temporary file left")
      // The lock ends: the next export has the account again.
      w.clock.advance(by: .seconds(61))
      #expect(try HtpasswdExport(store: w.store, clock: w.clock.clock).run(to: path).exported == 3)
    }

    @Test(.enabled(if: geteuid() == 0, "giving a file another group needs root"))
    func anExistingFilesGroupIsKept() throws {
      let group = try #require(getgrnam("nogroup"))
      let w = try FlowWorld()
      try w.add("ann@example.com")
      let path = w.dir.file("kept.htpasswd")
      _ = FileManager.default.createFile(atPath: path, contents: nil)
      let gid = group.pointee.gr_gid
      #expect(chown(path, 0, gid) == 0)
      _ = try HtpasswdExport(store: w.store, clock: w.clock.clock).run(to: path)
      #expect(try #require(FileOwner(path: path)).gid == gid)
    }

    @Test func fieldsThatWouldBreakALineAreLeftOut() {
      #expect(HtpasswdExport.fits("a@example.com", "$2b$04$abc"))
      #expect(!HtpasswdExport.fits("a:b@example.com", "$2b$04$abc"))
      #expect(!HtpasswdExport.fits("a@example.com", "$2b$04$a\nb"))
      #expect(!HtpasswdExport.fits("a@example.com", "$1$md5"))
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `Login`: each refusal, the lockout and its end, a threshold lowered meanwhile, rehashing,
  /// and the session limit.
  @Suite struct LoginFlow {
    @Test func logsInAndRecordsASession() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      w.clock.advance(by: .seconds(42))
      let r = try Login(w.ctx).run("ME@example.com", password: FlowWorld.password, file: w.file)
      #expect(r.expiresAt == w.clock.now + .seconds(12 * 3600), "AUTHCTL_SESSION_TTL: 12h")
      #expect(!r.rehashed)
      #expect(try w.account().lastLoginAt == w.clock.now)
      #expect(try w.liveSessions() == 1)
      #expect(try w.file.read() != nil, "the session file holds the token")
      #expect(try w.audit("login").map(\.ok) == [true])
    }

    @Test func refusalsSayWhyAndAreRecorded() throws {
      let w = try FlowWorld()
      #expect(throws: FlowError.noSuchAccount("no account with email nobody@example.com")) {
        try Login(w.ctx).run("nobody@example.com", password: "x", file: w.file)
      }
      try Register(w.ctx).run("new@example.com", chosenPassword: FlowWorld.password)
      expectRefused("is not confirmed") {
        try Login(w.ctx).run("new@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(try w.account("new@example.com").failedLogins == 0, "a right password clears")
      try w.confirmedAccount()
      expectRefused("wrong password") {
        try Login(w.ctx).run("me@example.com", password: "not it", file: w.file)
      }
      try Admin(w.ctx).disable("me@example.com")
      expectRefused("is disabled") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      let failed = try w.failures("login")
      #expect(failed.count == 4, "\(failed)")
      #expect(failed.allSatisfy { !$0.contains(FlowWorld.password) })
      #expect(try w.liveSessions() == 0)
      #expect(throws: FlowError.self) {
        try Login(w.ctx).run("not an email", password: "x", file: w.file)
      }
      #expect(try w.failures("login").count == 4, "bad input is not recorded")
    }

    /// Three failures (`AUTHCTL_LOCKOUT_THRESHOLD=3`) lock the account for
    /// `AUTHCTL_LOCKOUT_DURATION`; the right password is refused, unchecked, until the lock
    /// ends; then it logs in and the count is cleared.
    @Test func theLockoutAndItsEnd() throws {
      let w = try FlowWorld([
        "AUTHCTL_LOCKOUT_THRESHOLD": "3", "AUTHCTL_LOCKOUT_DURATION": "2m",
      ])
      try w.confirmedAccount()
      for i in 1...3 {
        expectRefused(i == 3 ? "is now locked for 2m after 3 failed logins" : "wrong password") {
          try Login(w.ctx).run("me@example.com", password: "wrong \(i)", file: w.file)
        }
      }
      #expect(try w.account().lockedUntil == w.clock.now + .seconds(120))
      #expect(try w.audit("lockout").count == 1)
      w.clock.advance(by: .seconds(119))
      expectRefused("is locked until") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(try w.account().failedLogins == 3, "a locked account's check is not even counted")
      w.clock.advance(by: .seconds(1))
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      let a = try w.account()
      #expect(a.failedLogins == 0 && a.lockedUntil == nil)
      #expect(try w.failures("login").count == 4)
    }

    /// After a lock ends a new window starts: the count begins again from one.
    @Test func anEndedLockStartsANewWindow() throws {
      let w = try FlowWorld(["AUTHCTL_LOCKOUT_THRESHOLD": "2", "AUTHCTL_LOCKOUT_DURATION": "60"])
      try w.confirmedAccount()
      for _ in 1...2 {
        expectRefused("wrong password") {
          try Login(w.ctx).run("me@example.com", password: "wrong", file: w.file)
        }
      }
      w.clock.advance(by: .seconds(60))
      expectRefused("wrong password") {
        try Login(w.ctx).run("me@example.com", password: "wrong", file: w.file)
      }
      let a = try w.account()
      #expect(a.failedLogins == 1 && a.lockedUntil == nil)
    }

    /// Failures counted past a threshold lowered since (or by another program) lock at the
    /// next reservation, before any password is checked, and the lock is kept with the refusal.
    @Test func aThresholdLoweredMeanwhileLocksAtOnce() throws {
      let w = try FlowWorld(["AUTHCTL_LOCKOUT_THRESHOLD": "3"])
      try w.confirmedAccount()
      try w.update { $0.failedLogins = 5 }
      expectRefused("is locked until") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(try w.account().lockedUntil == w.clock.now + .seconds(15 * 60))
      let lockout = try w.audit("lockout")
      #expect(lockout.count == 1 && lockout[0].reason == "3 failed password checks")
      #expect(try w.failures("login").count == 1)
    }

    @Test func aHashAtAnotherCostIsRehashed() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let old = try PasswordHasher(cost: 5).hash(FlowWorld.password)
      try w.update { $0.passwordHash = old }
      let r = try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(r.rehashed)
      let now = try #require(try w.account().passwordHash)
      #expect(now != old && now.hasPrefix("$2b$04$"))
    }

    /// `AUTHCTL_MAX_SESSIONS`: past it the oldest live sessions end, each recorded.
    @Test func theOldestSessionsEndPastTheLimit() throws {
      let w = try FlowWorld(["AUTHCTL_MAX_SESSIONS": "2"])
      try w.confirmedAccount()
      var ids: [String] = []
      for _ in 1...3 {
        ids.append(
          try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
            .sessionID)
        w.clock.advance(by: .seconds(1))
      }
      #expect(try w.liveSessions() == 2)
      let first = try #require(try w.store.read { try $0.session(id: ids[0]) })
      #expect(first.revokedReason == "session limit")
      let limit = try w.audit("session.limit")
      #expect(limit.count == 1 && limit[0].ok)
    }
  }
}

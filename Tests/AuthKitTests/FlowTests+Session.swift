import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `CurrentSession` (whoami) and `Logout`: a session ends when it expires, is revoked, or
  /// predates a password change or a disable, even while its file still holds the token.
  @Suite struct SessionFlow {
    @Test func aSessionExpiresWithItsLifetime() throws {
      let w = try FlowWorld(["AUTHCTL_SESSION_TTL": "1h"])
      try w.loggedIn()
      w.clock.advance(by: .seconds(3599))
      #expect(try CurrentSession.load(w.ctx, file: w.file).account.email == "me@example.com")
      w.clock.advance(by: .seconds(1))
      expectRefused("the session expired") { _ = try CurrentSession.load(w.ctx, file: w.file) }
      w.clock.advance(by: .seconds(61))
      expectRefused("the session expired") { _ = try CurrentSession.load(w.ctx, file: w.file) }
    }

    @Test func logoutRevokesAndACopyOfTheFileIsRefused() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let copy = try #require(try w.file.read())
      let r = try Logout(w.ctx).run(file: w.file, all: false)
      #expect(r.email == "me@example.com" && r.ended == 1)
      #expect(try w.file.read() == nil, "the file is removed")
      try w.file.write(copy)
      expectRefused("the session was ended (logout)") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
      let again = try Logout(w.ctx).run(file: w.file, all: false)
      #expect(again.email == nil && again.ended == 0, "an ended session's file is removed")
      expectRefused("not logged in (no session file") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
    }

    @Test func logoutAllEndsEverySession() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(try w.liveSessions() == 2)
      let r = try Logout(w.ctx).run(file: w.file, all: true)
      #expect(try r.ended == 2 && w.liveSessions() == 0)
      #expect(try w.audit("logout").last?.ok == true)
    }

    /// The stamp rule for sessions: a password set by the operator, a reset, or a disable ends
    /// every session before it; the file's token no longer works.
    @Test func aPasswordChangeOrADisableEndsTheSession() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      w.clock.advance(by: .seconds(1))
      try Admin(w.ctx).setPassword("me@example.com", chosen: nil)
      expectRefused("the session was ended (password set by operator)") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
      let v = try FlowWorld()
      try v.loggedIn()
      v.clock.advance(by: .seconds(1))
      try Admin(v.ctx).disable("me@example.com")
      expectRefused("the session was ended (disabled)") {
        _ = try CurrentSession.load(v.ctx, file: v.file)
      }
      // A session row that escaped the revocation (another program's) still dies by time.
      let u = try FlowWorld()
      try u.loggedIn()
      u.clock.advance(by: .seconds(1))
      try u.update { $0.securityChangedAt = u.clock.now }
      expectRefused("the password changed since this session began") {
        _ = try CurrentSession.load(u.ctx, file: u.file)
      }
      try u.update { $0.disabledAt = u.clock.now }
      expectRefused("is disabled") { _ = try CurrentSession.load(u.ctx, file: u.file) }
    }
  }
}

import Foundation
import TestSupport
import Testing

@testable import AuthKit

extension FlowTests {
  /// `Recover` and `Reset`: confirmed accounts only, five wrong codes, the code's and the
  /// token's expiry, single use, a newer request replacing the older, and the original app's
  /// tokens with their clear code.
  @Suite struct ResetFlow {
    @Test func recoverRefusals() throws {
      let w = try FlowWorld()
      #expect(throws: FlowError.noSuchAccount("no account with email nobody@example.com")) {
        try Recover(w.ctx).run("nobody@example.com")
      }
      try Register(w.ctx).run("new@example.com", chosenPassword: nil)
      expectRefused("is not confirmed") { try Recover(w.ctx).run("new@example.com") }
      try w.confirmedAccount()
      try Admin(w.ctx).disable("me@example.com")
      expectRefused("is disabled") { try Recover(w.ctx).run("me@example.com") }
      #expect(try w.failures("recover").count == 3, "each refusal recorded")
      #expect(try w.mails().filter { $0.subject == "Reset your password" }.isEmpty)
    }

    /// Five wrong codes kill the token: each is counted (committed with its refusal), and the
    /// right code then is refused too.
    @Test func fiveWrongCodesKillTheToken() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let (token, code) = try w.recover()
      let wrong = code == "000000" ? "111111" : "000000"
      for left in [4, 3, 2, 1] {
        expectRefused("wrong code (\(left) attempt\(left == 1 ? "" : "s") left)") {
          try Reset(w.ctx).run(token, code: wrong, chosenPassword: nil)
        }
      }
      expectRefused("that was the last attempt") {
        try Reset(w.ctx).run(token, code: wrong, chosenPassword: nil)
      }
      expectRefused("too many wrong codes") {
        try Reset(w.ctx).run(token, code: code, chosenPassword: nil)
      }
      let a = try w.account()
      let row = try #require(
        try w.store.read { try $0.currentCode(userID: a.id, purpose: "reset") })
      #expect(row.attempts == 5 && row.usedAt == nil)
      #expect(try w.failures("reset").count == 6)
      #expect(try a.passwordHash == w.account().passwordHash, "nothing changed")
      #expect(throws: FlowError.self) {
        try Reset(w.ctx).run(token, code: "12a456", chosenPassword: nil)
      }
      #expect(try w.failures("reset").count == 6, "a malformed code is bad input, not recorded")
    }

    /// The code and the token share the reset lifetime (30 minutes); the token has 60 s of
    /// leeway, the code none: in between the code is refused as expired.
    @Test func theCodeExpiresWithItsTokenThenTheToken() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let (token, code) = try w.recover()
      w.clock.advance(by: .seconds(1800))
      w.clock.advance(by: .seconds(30))
      expectRefused("code expired; ask for a new one") {
        try Reset(w.ctx).run(token, code: code, chosenPassword: nil)
      }
      w.clock.advance(by: .seconds(31))
      expectRefused("token expired; run 'authctl recover EMAIL' for a new one") {
        try Reset(w.ctx).run(token, code: code, chosenPassword: nil)
      }
      let fresh = try FlowWorld()
      try fresh.confirmedAccount()
      try Recover(fresh.ctx).run("me@example.com")
      fresh.clock.advance(by: .seconds(1800))
      try Reset(fresh.ctx).run(
        try fresh.mailed("Token"), code: try fresh.mailed("Code"), chosenPassword: nil)
    }

    @Test func resetSetsThePasswordEndsSessionsClearsTheLockAndWorksOnce() throws {
      let w = try FlowWorld(["AUTHCTL_LOCKOUT_THRESHOLD": "3"])
      try w.loggedIn()
      for _ in 1...3 {
        expectRefused("wrong password") {
          try Login(w.ctx).run("me@example.com", password: "wrong guess", file: w.file)
        }
      }
      #expect(try w.account().isLocked(now: w.clock.now))
      let (token, code) = try w.recover()
      let chosen = "a brand new passphrase"
      let r = try Reset(w.ctx).run(token, code: code, chosenPassword: chosen)
      #expect(!r.generated && r.sessionsEnded == 1)
      #expect(try w.lastMail().subject == "Your password was changed")
      let a = try w.account()
      #expect(a.failedLogins == 0 && a.lockedUntil == nil && a.securityChangedAt == w.clock.now)
      #expect(try w.liveSessions() == 0)
      expectRefused("already used") { try Reset(w.ctx).run(token, code: code, chosenPassword: nil) }
      try Login(w.ctx).run("me@example.com", password: chosen, file: w.file)
      let generated = try FlowWorld()
      try generated.confirmedAccount()
      try Recover(generated.ctx).run("me@example.com")
      let g = try Reset(generated.ctx).run(
        try generated.mailed("Token"), code: try generated.mailed("Code"), chosenPassword: nil)
      #expect(g.generated)
      try Login(generated.ctx).run(
        "me@example.com", password: try generated.mailed("Password"), file: generated.file)
    }

    @Test func aNewerRequestReplacesTheOlderToken() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      try Recover(w.ctx).run("me@example.com")
      let old = try w.mailed("Token")
      w.clock.advance(by: .seconds(5))
      try Recover(w.ctx).run("me@example.com")
      let code = try w.mailed("Code")
      expectRefused("already used") { try Reset(w.ctx).run(old, code: code, chosenPassword: nil) }
      try Reset(w.ctx).run(try w.mailed("Token"), code: code, chosenPassword: nil)
    }

    @Test func aDisabledAccountCannotReset() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let (token, code) = try w.recover()
      try Admin(w.ctx).disable("me@example.com")
      expectRefused("already used") { try Reset(w.ctx).run(token, code: code, chosenPassword: nil) }
      try Admin(w.ctx).enable("me@example.com")
      // Enable does not bring the token back.
      expectRefused("already used") {
        try Reset(w.ctx).run(token, code: code, chosenPassword: nil)
      }
    }

    /// The original app's reset token: no fingerprint, the code in clear. A wrong code is
    /// counted on its own code row; it works once; one issued before the last password change
    /// is refused.
    @Test func anOriginalAppTokenIsSingleUseAndCounted() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      w.clock.advance(by: .seconds(10))
      func original(issuedAt: Instant) throws -> String {
        let claims = TokenClaims(
          issuer: "authctl", audience: [TokenPurpose.resetPassword.rawValue],
          issuedAt: issuedAt.seconds, expiresAt: issuedAt.seconds + 1800, email: a.email,
          userID: a.id, code: "123456")
        return JWS.signHS256(
          header: Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8), payload: claims.json,
          key: try w.ctx.keys.tokenKey)
      }
      let token = try original(issuedAt: w.clock.now)
      expectRefused("wrong code (4 attempts left)") {
        try Reset(w.ctx).run(token, code: "654321", chosenPassword: nil)
      }
      let row = try #require(
        try w.store.read { try $0.currentCode(userID: a.id, purpose: "reset-original") })
      #expect(row.attempts == 1 && row.expiresAt == w.clock.now + .seconds(1800))
      try Reset(w.ctx).run(token, code: "123456", chosenPassword: nil)
      expectRefused("already used") {
        try Reset(w.ctx).run(token, code: "123456", chosenPassword: nil)
      }
      // Issued within the second of the last change, or before it: refused.
      let stale = try original(issuedAt: w.clock.now)
      expectRefused("already used") {
        try Reset(w.ctx).run(stale, code: "123456", chosenPassword: nil)
      }
      w.clock.advance(by: .seconds(1))
      try Reset(w.ctx).run(try original(issuedAt: w.clock.now), code: "123456", chosenPassword: nil)
    }
  }
}

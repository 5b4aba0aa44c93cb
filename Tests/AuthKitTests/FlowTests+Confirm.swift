import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `Confirm`: single use, expiry at exp + leeway, one purpose per token, the newest
  /// confirmation only, and the proof of a chosen password (issue 11, item 1).
  @Suite struct ConfirmFlow {
    @Test func confirmsOnceAndMailsTheActivation() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      let token = try w.mailed("Token")
      w.clock.advance(by: .seconds(90))
      let r = try Confirm(w.ctx).run(token)
      #expect(r.account.activatedAt == w.clock.now, "activated at the clock's time")
      #expect(!r.generated)
      #expect(try w.lastMail().subject == "Your account is activated")
      #expect(try w.account().status(now: w.clock.now) == .active)
      expectRefused("already confirmed") { try Confirm(w.ctx).run(token) }
      #expect(try w.failures("confirm").count == 1, "the replay is recorded")
    }

    /// The default lifetime is 30 minutes and verification allows 60 s of skew: the token
    /// still works at exp + 60 s and is refused one second later, as "token expired" with the
    /// way out.
    @Test func expiresOneSecondPastTheLeeway() throws {
      for (extra, works) in [(60, true), (61, false)] {
        let w = try FlowWorld()
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
        let token = try w.mailed("Token")
        w.clock.advance(by: .seconds(1800 + extra))
        if works {
          try Confirm(w.ctx).run(token)
        } else {
          expectRefused("token expired; run 'authctl register EMAIL'") {
            try Confirm(w.ctx).run(token)
          }
          #expect(try w.account().activatedAt == nil)
          #expect(try w.failures("confirm").count == 1)
        }
      }
    }

    @Test func aTokenOfAnotherPurposeIsInvalid() throws {
      let w = try FlowWorld()
      let a = try Register(w.ctx).run("me@example.com", chosenPassword: nil).account
      for purpose in [TokenPurpose.resetPassword, .session] {
        let other = try w.ctx.signer.sign(
          purpose: purpose, email: a.email, userID: a.id, issuedAt: w.clock.now,
          lifetime: .seconds(600))
        expectRefused("invalid token") { try Confirm(w.ctx).run(other) }
      }
      let wrongKey = try TokenSigner(
        key: Array("another-secret-of-at-least-32-bytes-long".utf8), issuer: "authctl"
      ).sign(
        purpose: .activateAccount, email: a.email, userID: a.id, issuedAt: w.clock.now,
        lifetime: .seconds(600))
      expectRefused("invalid token") { try Confirm(w.ctx).run(wrongKey) }
      #expect(try w.account().activatedAt == nil)
    }

    /// Issue 3's forgeries, each refused as "invalid token" and recorded, nothing changed:
    /// flipped bits in payload and signature, truncated, another issuer, `alg` none and HS512
    /// over the same payload. A short secret is refused before any flow starts.
    @Test func forgedTokensAreInvalid() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      let token = try w.mailed("Token")
      let parts = token.split(separator: ".").map(String.init)
      func flip(_ s: String) -> String {
        var c = Array(s)
        c[c.count / 2] = c[c.count / 2] == "A" ? "B" : "A"
        return String(c)
      }
      let a = try w.account()
      let forged = [
        "\(parts[0]).\(flip(parts[1])).\(parts[2])",
        "\(parts[0]).\(parts[1]).\(flip(parts[2]))",
        "\(parts[0]).\(parts[1]).\(parts[2].dropLast(4))",
        try TokenSigner(key: Array(FlowWorld.secret.utf8), issuer: "DarkEngine").sign(
          purpose: .activateAccount, email: a.email, userID: a.id, issuedAt: w.clock.now,
          lifetime: .seconds(600)),
        Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8)) + ".\(parts[1]).\(parts[2])",
        Base64URL.encode(Array(#"{"alg":"HS512","typ":"JWT"}"#.utf8)) + ".\(parts[1]).\(parts[2])",
      ]
      for t in forged { expectRefused("invalid token") { try Confirm(w.ctx).run(t) } }
      #expect(try w.account() == a, "nothing changed")
      #expect(try w.failures("confirm") == Array(repeating: "invalid token", count: 6))
      let short = try Config(
        environment: ["JWT_SECRET": "too-short", "AUTHCTL_DB": w.dir.file("x.sqlite")],
        envFile: w.dir.file("empty.env"), observer: SilentObserver())
      #expect(throws: KeyError.self) { try FlowContext.checkSecret(short.settings) }
      try Confirm(w.ctx).run(token)
    }

    @Test func anAccountPurgedMeanwhileIsGone() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      let token = try w.mailed("Token")
      w.clock.advance(by: .seconds(600))
      let purged = try Purge(w.ctx).run(olderThan: .seconds(60), dryRun: false, listEmails: true)
      #expect(purged.emails == ["me@example.com"])
      #expect(
        throws: FlowError.noSuchAccount(
          "no account me@example.com any more (unconfirmed accounts are purged); register again")
      ) { try Confirm(w.ctx).run(token) }
    }

    /// A chosen password is unproven until confirmation: a wrong proof is counted as a failed
    /// login, no proof drops it for a generated one that is mailed, the right one keeps it.
    @Test func aChosenPasswordMustBeProven() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      let token = try w.mailed("Token")
      expectRefused("wrong password (not the one chosen at the latest registration") {
        try Confirm(w.ctx).run(token) { "not my password at all" }
      }
      #expect(try w.account().failedLogins == 1, "counted, as a login")
      #expect(try w.account().activatedAt == nil)
      let proven = try Confirm(w.ctx).run(token) { FlowWorld.password }
      #expect(!proven.generated && proven.account.failedLogins == 0)
      #expect(try w.audit("confirm").last?.ok == true)

      let v = try FlowWorld()
      try Register(v.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      let dropped = try Confirm(v.ctx).run(try v.mailed("Token")) { nil }
      #expect(dropped.generated)
      let mailed = try v.mailed("Password")
      #expect(try v.lastMail().subject == "Your account is activated" && mailed.count == 16)
      expectRefused("wrong password") {
        try Login(v.ctx).run("me@example.com", password: FlowWorld.password, file: v.file)
      }
      try Login(v.ctx).run("me@example.com", password: mailed, file: v.file)
    }
  }
}

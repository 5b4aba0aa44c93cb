import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `Admin`: the operator's changes with their audit events, and the stamp rules — a disable
  /// kills every mailed token for good; a new password kills outstanding reset tokens.
  @Suite struct AdminFlow {
    @Test func disableEnableUnlockSayWhenNothingWasToBeDone() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let admin = Admin(w.ctx)
      #expect(try admin.disable("me@example.com") == nil)
      #expect(try w.account().disabledAt == w.clock.now)
      #expect(try admin.disable("me@example.com") == "already disabled")
      #expect(try admin.enable("me@example.com") == nil)
      #expect(try admin.enable("me@example.com") == "not disabled")
      #expect(try admin.unlock("me@example.com") == "not locked")
      try w.update {
        $0.failedLogins = 10
        $0.lockedUntil = w.clock.now + .seconds(60)
      }
      #expect(try admin.show("me@example.com").status == .locked)
      #expect(try admin.unlock("me@example.com") == nil)
      let a = try w.account()
      #expect(a.failedLogins == 0 && a.lockedUntil == nil)
      let events = try w.audit().filter { $0.event.hasPrefix("admin.") }
      #expect(
        events.map(\.event) == [
          "admin.disable", "admin.disable", "admin.enable", "admin.enable", "admin.unlock",
          "admin.unlock",
        ])
      #expect(
        events.map(\.reason) == [
          nil, "already disabled", nil, "not disabled", "not locked", nil,
        ])
    }

    /// A lock that ended is not shown, and unlocking it with no failures left is nothing.
    @Test func anEndedLockIsNotShown() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      try w.update { $0.lockedUntil = w.clock.now + .seconds(30) }
      #expect(
        try Admin(w.ctx).show("me@example.com").fields.first { $0.0 == "locked_until" }?.1
          as? Instant == w.clock.now + .seconds(30))
      w.clock.advance(by: .seconds(30))
      let details = try Admin(w.ctx).show("me@example.com")
      #expect(details.status == .active)
      #expect(details.fields.first { $0.0 == "locked_until" }?.1 == nil)
      #expect(try Admin(w.ctx).unlock("me@example.com") == "not locked")
    }

    @Test func deleteKeepsTheAuditAndAnUnknownAccountIsRecorded() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let gone = try Admin(w.ctx).delete("me@example.com")
      #expect(gone.email == "me@example.com")
      #expect(try w.store.read { try $0.account(email: "me@example.com") } == nil)
      #expect(throws: FlowError.self) { try Admin(w.ctx).delete("me@example.com") }
      let deletes = try w.audit("admin.delete")
      #expect(deletes.map(\.ok) == [true, false])
    }

    @Test func confirmAndSetPassword() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      let r = try Admin(w.ctx).confirm("me@example.com", notify: true)
      #expect(r.unchanged == nil && r.delivery.delivered.count == 1)
      #expect(try w.lastMail().subject == "Your account is activated")
      #expect(
        try Admin(w.ctx).confirm("me@example.com", notify: true).unchanged
          == "already confirmed")
      let set = try Admin(w.ctx).setPassword("me@example.com", chosen: nil)
      #expect(set.account.passwordGenerated && set.delivery.delivered.count == 1)
      try Login(w.ctx).run("me@example.com", password: try w.mailed("Password"), file: w.file)
      #expect(throws: PasswordRejection.self) {
        try Admin(w.ctx).setPassword("me@example.com", chosen: "short")
      }
    }

    /// Disable stamps the account: the confirmation and reset tokens mailed before die, and
    /// enable does not bring them back.
    @Test func aDisableKillsEveryMailedTokenForGood() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("new@example.com", chosenPassword: nil)
      let confirmation = try w.mailed("Token", to: "new@example.com")
      try w.confirmedAccount()
      let (reset, code) = try w.recover()
      for email in ["new@example.com", "me@example.com"] {
        try Admin(w.ctx).disable(email)
        try Admin(w.ctx).enable(email)
      }
      expectRefused("a newer confirmation was mailed") { try Confirm(w.ctx).run(confirmation) }
      expectRefused("already used") { try Reset(w.ctx).run(reset, code: code, chosenPassword: nil) }
    }

    @Test func aNewPasswordKillsOutstandingResetTokens() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let (reset, code) = try w.recover()
      try Admin(w.ctx).setPassword("me@example.com", chosen: "an operator's choice 7")
      expectRefused("already used") { try Reset(w.ctx).run(reset, code: code, chosenPassword: nil) }
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `Register`: a new account, the two refusals that still mail (issue 5), the flood guard.
  @Suite struct RegisterFlow {
    @Test func createsAnUnconfirmedAccountAndMailsItsConfirmation() throws {
      let w = try FlowWorld()
      let r = try Register(w.ctx).run(" Me@Example.com", chosenPassword: nil)
      #expect(r.account.email == "me@example.com")
      #expect(r.account.activatedAt == nil)
      #expect(r.account.createdAt == w.clock.now && r.account.updatedAt == w.clock.now)
      #expect(r.account.passwordGenerated)
      #expect(r.delivery.delivered.map(\.to) == ["me@example.com"])
      #expect(w.reports.count == 1, "the kernel reported the delivery after the commit")
      let password = try w.mailed("Password")
      #expect(password.count == 16, "a generated password is mailed")
      #expect(!(try w.mailed("Token")).isEmpty)
      #expect(try w.audit("register").map(\.ok) == [true])
      #expect(try w.account().status(now: w.clock.now) == .unconfirmed)
    }

    @Test func aChosenPasswordIsNeverMailed() throws {
      let w = try FlowWorld()
      let r = try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      #expect(!r.account.passwordGenerated)
      let body = try w.lastMail().body
      #expect(!body.contains("Password:") && !body.contains(FlowWorld.password))
    }

    @Test func registeringAgainUnconfirmedMailsAFreshConfirmationThenRefuses() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      let first = try w.mailed("Token")
      let firstPassword = try w.mailed("Password")
      let stamp = try w.account().stamp
      #expect(throws: FlowError.self) {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      }
      #expect(try w.mails().count == 2, "the refusal kept its mail")
      #expect(w.reports.count == 2, "and its delivery was reported")
      #expect(try w.mailed("Token") != first)
      #expect(try w.mailed("Password") != firstPassword, "a fresh generated password")
      #expect(try w.account().stamp != stamp, "a new stamp: the old token dies")
      let failed = try w.failures("register")
      #expect(failed.count == 1 && failed[0].contains("not confirmed"), "\(failed)")
      expectRefused("a newer confirmation was mailed") { try Confirm(w.ctx).run(first) }
      try Confirm(w.ctx).run(try w.mailed("Token"))
    }

    @Test func registeringAConfirmedAddressMailsItsOwnerThenRefuses() throws {
      let w = try FlowWorld()
      let before = try w.confirmedAccount()
      do {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
        Issue.record("not refused")
      } catch let FlowError.invalidInput(message) {
        #expect(message.contains("already has an account"))
      }
      #expect(try w.lastMail().subject == "Your account already exists")
      #expect(try w.account() == before, "the account did not change")
      #expect(try w.failures("register").count == 1)
    }

    @Test func badInputIsRefusedAndLeavesNoTrace() throws {
      let w = try FlowWorld()
      for email in ["", "no-at-sign", "a b@example.com"] {
        #expect(throws: FlowError.self) { try Register(w.ctx).run(email, chosenPassword: nil) }
      }
      #expect(throws: PasswordRejection.self) {
        try Register(w.ctx).run("me@example.com", chosenPassword: "short")
      }
      #expect(try w.audit().isEmpty, "bad input (65) is not a refusal: nothing recorded")
      #expect(try w.mails().isEmpty)
    }

    /// `MailError.floodGuard` used to leave every flow unaudited; the kernel records it, and
    /// the change it would have mailed is rolled back. An hour later mail goes out again.
    @Test func theFloodGuardRefusesChangesNothingAndIsRecorded() throws {
      let w = try FlowWorld(["AUTHCTL_MAIL_PER_HOUR": "2"])
      try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      #expect(throws: FlowError.self) {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      }
      let before = try w.account()
      do {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
        Issue.record("not refused by the flood guard")
      } catch let error as MailError {
        guard case .floodGuard = error else { throw error }
      }
      #expect(try w.account() == before, "the new stamp and password were rolled back")
      #expect(try w.mails().count == 2)
      let failed = try w.failures("register")
      #expect(failed.count == 2 && failed[1].contains("too many messages"), "\(failed)")
      w.clock.advance(by: .seconds(3599))
      #expect(throws: MailError.self, "the hour is counted to the second") {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      }
      w.clock.advance(by: .seconds(2))
      #expect(throws: FlowError.self) {
        try Register(w.ctx).run("me@example.com", chosenPassword: nil)
      }
      #expect(try w.mails().count == 3, "an hour later the guard lets mail through")
    }
  }
}

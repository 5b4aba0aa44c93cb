import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// Issue 16's address change: asked for with the password, confirmed from the new mailbox,
  /// what dies with the old address, the audit of both, and an address taken meanwhile refused
  /// in both orders of the race.
  @Suite struct EmailChangeFlow {
    /// The `detail` of the ok events of `event`, oldest first.
    func details(_ w: FlowWorld, _ event: String) throws -> [String] {
      var filter = AuditFilter()
      filter.event = event
      return try w.store.read { tx in
        let c = try tx.auditEvents(filter)
        var rows: [String] = []
        while try c.next() {
          guard c.withText(4, { String(decoding: $0, as: UTF8.self) }) == "ok" else { continue }
          rows.append(c.withText(6) { String(decoding: $0, as: UTF8.self) })
        }
        return rows
      }
    }

    @Test func anAddressChangeIsConfirmedFromTheNewMailbox() throws {
      let w = try FlowWorld()
      let old = try w.loggedIn().account
      // A reset token mailed to the old address before the change.
      let (resetToken, resetCode) = try w.recover()
      let flow = EmailChange(w.ctx)
      expectRefused("wrong password") {
        _ = try flow.request(file: w.file, newEmail: "x@example.com", password: "wrong one!")
      }
      #expect(try w.account().failedLogins == 1, "counted as a failed login")
      let asked = try flow.request(
        file: w.file, newEmail: " New.Me@Example.com ", password: FlowWorld.password)
      #expect(asked.newEmail == "new.me@example.com" && !asked.changed)
      #expect(try w.account().pendingEmail == "new.me@example.com")
      #expect(try w.account().failedLogins == 0)
      let notice = try w.lastMail()
      #expect(notice.subject == "Your address is being changed")
      #expect(notice.body.contains("changed to n…@…") && !notice.body.contains("new.me"))
      let token = try w.mailed("Token", to: "new.me@example.com")
      let done = try Confirm(w.ctx).run(token)
      #expect(done.previousEmail == "me@example.com" && done.account.email == "new.me@example.com")
      #expect(done.account.id == old.id && done.account.pendingEmail == nil)
      #expect(try w.store.read { try $0.account(email: "me@example.com") } == nil)
      expectRefused("ended (email changed)") { _ = try CurrentSession.load(w.ctx, file: w.file) }
      expectRefused("token already used") { try Confirm(w.ctx).run(token) }
      // The old address's reset token names an address the account no longer has.
      expectRefused("invalid token") {
        try Reset(w.ctx).run(resetToken, code: resetCode, chosenPassword: nil)
      }
      try Login(w.ctx).run("new.me@example.com", password: FlowWorld.password, file: w.file)
      #expect(
        try details(w, "email.change.request") == [
          "from me@example.com to new.me@example.com, pending confirmation"
        ])
      #expect(
        try details(w, "email.change") == ["changed from me@example.com to new.me@example.com"])
      #expect(try w.failures("email.change").count == 1, "the reused token's refusal")
    }

    @Test func anAddressTakenMeanwhileIsRefusedInBothOrders() throws {
      let w = try FlowWorld()
      let eve = SessionFile(path: w.dir.file("eve/session"))
      let fay = SessionFile(path: w.dir.file("fay/session"))
      try w.confirmedAccount("eve@example.com")
      try w.confirmedAccount("fay@example.com")
      try Login(w.ctx).run("eve@example.com", password: FlowWorld.password, file: eve)
      try Login(w.ctx).run("fay@example.com", password: FlowWorld.password, file: fay)
      let flow = EmailChange(w.ctx)
      // Taken already: refused when asked (65), and recorded.
      #expect(throws: FlowError.self) {
        _ = try flow.request(file: eve, newEmail: "fay@example.com", password: FlowWorld.password)
      }
      #expect(
        try w.failures("email.change.request").last?.contains("already has an account") == true)
      // Order 1: asked, then taken by a registration, then confirmed → refused, nothing changed.
      _ = try flow.request(file: eve, newEmail: "gus@example.com", password: FlowWorld.password)
      let eveToken = try w.mailed("Token", to: "gus@example.com")
      try Register(w.ctx).run("gus@example.com", chosenPassword: nil)
      do {
        try Confirm(w.ctx).run(eveToken)
        Issue.record("confirmed an address taken meanwhile")
      } catch let FlowError.invalidInput(message) {
        #expect(message.contains("gus@example.com already has an account"))
      }
      #expect(try w.account("eve@example.com").pendingEmail == "gus@example.com")
      #expect(try w.failures("email.change").count == 1, "the race is recorded")
      // Order 2: two accounts ask for one address; the first confirmation wins, the second is
      // refused; and a registration after the change finds the address taken.
      _ = try flow.request(file: eve, newEmail: "hal@example.com", password: FlowWorld.password)
      let first = try w.mailed("Token", to: "hal@example.com")
      _ = try flow.request(file: fay, newEmail: "hal@example.com", password: FlowWorld.password)
      let second = try w.mailed("Token", to: "hal@example.com")
      expectRefused("token already used") { try Confirm(w.ctx).run(eveToken) }
      #expect(try Confirm(w.ctx).run(first).account.email == "hal@example.com")
      #expect(throws: FlowError.self) { try Confirm(w.ctx).run(second) }
      #expect(try w.store.read { try $0.account(email: "fay@example.com") } != nil)
      #expect(throws: FlowError.self, "registered already") {
        try Register(w.ctx).run("hal@example.com", chosenPassword: nil)
      }
      #expect(try w.lastMail(to: "hal@example.com").subject == "Your account already exists")
    }

    @Test func theChangeTokenExpiresAndTheOperatorMayChangeAtOnce() throws {
      let w = try FlowWorld()
      try w.confirmedAccount("ida@example.com")
      let flow = EmailChange(w.ctx)
      let asked = try flow.set("ida@example.com", newEmail: "ida2@example.com", confirm: true)
      #expect(!asked.changed)
      let token = try w.mailed("Token", to: "ida2@example.com")
      w.clock.advance(by: .seconds(32 * 60))  // past the 30 minutes and the 60 s of leeway
      expectRefused("token expired; ask for the address change again") {
        try Confirm(w.ctx).run(token)
      }
      let now = try flow.set("ida@example.com", newEmail: "ida3@example.com", confirm: false)
      #expect(now.changed && now.account.email == "ida3@example.com")
      #expect(try w.lastMail(to: "ida@example.com").subject == "Your address was changed")
      #expect(try w.lastMail(to: "ida3@example.com").subject == "Your address was changed")
      #expect(
        try details(w, "admin.set-email").last
          == "changed from ida@example.com to ida3@example.com without confirmation")
    }
  }
}

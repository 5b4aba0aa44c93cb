import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// `ChangePassword` (`passwd`): the current password is a counted check, the code lives 10
  /// minutes and allows five tries, and success ends every session.
  @Suite struct ChangePasswordFlow {
    @Test func requestThenCommit() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let flow = ChangePassword(w.ctx)
      let report = try flow.request(file: w.file, currentPassword: FlowWorld.password)
      #expect(report.delivered.count == 1)
      let code = try w.mailed("Code")
      let next = "the next passphrase 42"
      try flow.commit(file: w.file, code: code, newPassword: next)
      #expect(try w.lastMail().subject == "Your password was changed")
      #expect(try w.file.read() == nil, "the session file is removed")
      #expect(try w.liveSessions() == 0, "every session ended")
      #expect(try w.audit("passwd").map(\.ok) == [true])
      try Login(w.ctx).run("me@example.com", password: next, file: w.file)
    }

    /// A wrong current password counts toward the lockout, as at login; a locked account is
    /// refused before the password is checked.
    @Test func theCurrentPasswordIsACountedCheck() throws {
      let w = try FlowWorld(["AUTHCTL_LOCKOUT_THRESHOLD": "2"])
      try w.loggedIn()
      let flow = ChangePassword(w.ctx)
      expectRefused("wrong password") { try flow.request(file: w.file, currentPassword: "nope") }
      #expect(try w.account().failedLogins == 1)
      expectRefused("is now locked") { try flow.request(file: w.file, currentPassword: "nope") }
      expectRefused("is locked until") {
        try flow.request(file: w.file, currentPassword: FlowWorld.password)
      }
      #expect(try w.failures("passwd.request").count == 3)
      #expect(try w.mails().filter { $0.body.contains("Code: ") }.isEmpty, "no code was mailed")
    }

    @Test func fiveWrongCodesThenTooMany() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let flow = ChangePassword(w.ctx)
      let next = "the next passphrase 42"
      expectRefused("no code was requested") {
        try flow.commit(file: w.file, code: "123456", newPassword: next)
      }
      try flow.request(file: w.file, currentPassword: FlowWorld.password)
      let code = try w.mailed("Code")
      let wrong = code == "000000" ? "111111" : "000000"
      for _ in 1...5 {
        expectRefused("wrong code") {
          try flow.commit(file: w.file, code: wrong, newPassword: next)
        }
      }
      expectRefused("too many wrong codes") {
        try flow.commit(file: w.file, code: code, newPassword: next)
      }
      #expect(try w.failures("passwd").count == 7)
      #expect(try CurrentSession.load(w.ctx, file: w.file).account.email == "me@example.com")
    }

    /// `AUTHCTL_CODE_TTL` (10 minutes): at its end the code still works, a second later not.
    @Test func theCodeExpiresAfterTenMinutes() throws {
      for (after, works) in [(600, true), (601, false)] {
        let w = try FlowWorld()
        try w.loggedIn()
        let flow = ChangePassword(w.ctx)
        try flow.request(file: w.file, currentPassword: FlowWorld.password)
        w.clock.advance(by: .seconds(after))
        let code = try w.mailed("Code")
        if works {
          try flow.commit(file: w.file, code: code, newPassword: "the next passphrase 42")
        } else {
          expectRefused("code expired; ask for a new one") {
            try flow.commit(file: w.file, code: code, newPassword: "the next passphrase 42")
          }
        }
      }
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// Where codes and notices go once an account is linked to Telegram (issue 15): codes to the
  /// chat when the account prefers it (the mail says only that a code was sent; the reset token
  /// stays in mail), notices to the chat too, never a password; all through the outbox.
  @Suite struct TelegramRouting {
    static let chat: Int64 = 555_000_111

    /// A world with Telegram configured, mail and Telegram recorded, and `me@example.com`
    /// logged in and linked to `chat`.
    static func linked(_ settings: [String: String] = [:]) throws -> (
      FlowWorld, mail: RecordingNotifier, telegram: RecordingNotifier
    ) {
      let mail = RecordingNotifier()
      let telegram = RecordingNotifier(.telegram)
      var env = ["TELEGRAM_BOT_TOKEN": "4242:abcdefghijklmnop"]
      env.merge(settings) { $1 }
      let w = try FlowWorld(env, notifiers: [mail, telegram])
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      let token = try #require(
        mail.items.last?.body.flatMap { Walkless.line("Token", in: $0) })
      try Confirm(w.ctx).run(token) { FlowWorld.password }
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      let bot = ScriptedBot()
      let offer = try TelegramLinking(w.ctx).link(file: w.file, bot: bot)
      bot.send("/start \(try TelegramLinkingFlow.nonce(offer))", from: chat)
      #expect(try TelegramLinking(w.ctx).poll(bot: bot).linked == ["me@example.com"])
      return (w, mail, telegram)
    }

    /// The bodies of the recorded messages of `kind`.
    static func bodies(_ n: RecordingNotifier, _ kind: String) -> [String] {
      n.items.filter { $0.kind == kind }.compactMap(\.body)
    }

    @Test func theLinkIsAnsweredInTheChat() throws {
      let (_, _, telegram) = try Self.linked()
      let linked = try #require(telegram.items.first)
      #expect(linked.kind == "telegram-linked" && linked.recipient == String(Self.chat))
      #expect(linked.subject == "Linked to me@example.com")
    }

    @Test func thePasswdCodeGoesToTheChatAndNeverInMail() throws {
      let (w, mail, telegram) = try Self.linked()
      try ChangePassword(w.ctx).request(file: w.file, currentPassword: FlowWorld.password)
      let sent = Self.bodies(telegram, "passwd-code")
      #expect(sent.count == 1)
      let code = try #require(sent.first.flatMap { Walkless.line("Code", in: $0) })
      #expect(code.count == 6)
      #expect(telegram.items.last?.recipient == String(Self.chat))
      let mailed = Self.bodies(mail, "passwd-code")
      #expect(mailed.count == 1 && mailed[0].contains("A code was sent to your Telegram"))
      #expect(mail.items.allSatisfy { $0.body?.contains(code) != true }, "the code is in no mail")
      let next = "the next passphrase 42"
      try ChangePassword(w.ctx).commit(file: w.file, code: code, newPassword: next)
      // The notice both ways.
      #expect(Self.bodies(mail, "passwd").count == 1)
      #expect(Self.bodies(telegram, "passwd").first?.contains("was changed") == true)
    }

    @Test func preferOffKeepsCodesInMailAndNoticesStillGo() throws {
      let (w, mail, telegram) = try Self.linked()
      try TelegramLinking(w.ctx).prefer(file: w.file, telegram: false)
      try ChangePassword(w.ctx).request(file: w.file, currentPassword: FlowWorld.password)
      #expect(Self.bodies(telegram, "passwd-code").isEmpty)
      let code = try #require(
        Self.bodies(mail, "passwd-code").first.flatMap { Walkless.line("Code", in: $0) })
      try ChangePassword(w.ctx).commit(file: w.file, code: code, newPassword: "another one 4242")
      #expect(Self.bodies(telegram, "passwd").count == 1)
    }

    @Test func theResetCodeGoesToTheChatAndTheTokenStaysInMail() throws {
      let (w, mail, telegram) = try Self.linked()
      try Recover(w.ctx).run("me@example.com")
      let mailed = try #require(Self.bodies(mail, "recover").last)
      let token = try #require(Walkless.line("Token", in: mailed))
      #expect(Walkless.line("Code", in: mailed) == nil)
      #expect(mailed.contains("the code that was sent to your Telegram"))
      let chat = try #require(Self.bodies(telegram, "recover").last)
      let code = try #require(Walkless.line("Code", in: chat))
      #expect(!chat.contains(token), "the token never goes to Telegram")
      let result = try Reset(w.ctx).run(token, code: code, chosenPassword: nil)
      #expect(result.generated)
      // The generated password is mailed; Telegram gets only the notice.
      let notice = try #require(Self.bodies(telegram, "reset").last)
      #expect(notice.contains("was changed") && !notice.contains("Password:"))
      #expect(Self.bodies(mail, "reset").last?.contains("Password: ") == true)
    }

    @Test func disableAndNewLoginNoticesGoToTheChat() throws {
      let (w, mail, telegram) = try Self.linked()
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(Self.bodies(telegram, "login").last?.contains("logged in at") == true)
      #expect(Self.bodies(mail, "login").isEmpty, "mail carries no login notice")
      try Admin(w.ctx).disable("me@example.com")
      #expect(Self.bodies(telegram, "disabled").count == 1)
      // Unchanged (already disabled): no second notice.
      try Admin(w.ctx).disable("me@example.com")
      #expect(Self.bodies(telegram, "disabled").count == 1)
    }

    @Test func aLoginIsNotRefusedForTooManyNotices() throws {
      let (w, _, telegram) = try Self.linked(["AUTHCTL_MAIL_PER_HOUR": "3"])
      for _ in 0..<4 {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      // The link's answer and two login notices fill the chat's hour; the rest are dropped
      // and audited, the logins done.
      #expect(Self.bodies(telegram, "login").count == 2)
      #expect(try w.audit("telegram.dropped").count == 2)
      #expect(try w.audit("login").filter(\.ok).count == 5)
    }

    @Test func withoutTheTokenEverythingGoesByMail() throws {
      let (w, mail, telegram) = try Self.linked()
      let before = telegram.items.count
      // The same store without TELEGRAM_BOT_TOKEN: a context over it sends codes by mail.
      let settings = try Config(
        environment: ["JWT_SECRET": FlowWorld.secret, "AUTHCTL_BCRYPT_COST": "4"],
        envFile: w.dir.file("empty.env"), observer: SilentObserver()
      ).settings
      let ctx = try FlowContext(
        store: w.store, settings: settings, clock: w.clock.clock, observer: SilentObserver(),
        notifiers: Notifiers([mail, telegram]))
      try ChangePassword(ctx).request(file: w.file, currentPassword: FlowWorld.password)
      #expect(telegram.items.count == before)
      #expect(
        Self.bodies(mail, "passwd-code").last.flatMap { Walkless.line("Code", in: $0) } != nil)
    }
  }
}

/// `Name: value` lines of a body (as `Walk.line` in the binary tests).
enum Walkless {
  static func line(_ name: String, in body: String) -> String? {
    for l in body.split(separator: "\n") where l.hasPrefix(name + ": ") {
      return String(l.dropFirst(name.count + 2))
    }
    return nil
  }
}

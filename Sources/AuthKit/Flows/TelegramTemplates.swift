/// The notifications only Telegram carries (issue 15), channel-neutral like
/// `NotificationTemplates`; the codes Telegram carries reuse those templates.
enum TelegramTemplates {
  /// To a chat just linked.
  static func linked(email: String) -> Notice {
    Notice(
      subject: "Linked to \(email)",
      text: [
        "This chat now gets the codes and notices of the account \(email).",
        "If you did not link it, run 'authctl recover \(email)' and change your password;",
        "'authctl telegram unlink' removes the link.",
      ].joined(separator: "\n"))
  }

  /// To the chat: a reset's code (the token went by mail).
  static func resetCode(email: String, code: String, ttl: Int64) -> Notice {
    Notice(
      subject: "Your code to reset the password",
      text: [
        "A password reset was asked for \(email). The reset token was mailed to that address;",
        "'authctl reset TOKEN' asks for this code:", "",
        "Code: \(code)", "",
        "It works for \(DurationText.format(ttl)) and only once. If you did not ask for this,",
        "ignore it: your password stays as it is.",
      ].joined(separator: "\n"),
      secrets: [code])
  }

  /// To the mailbox, in place of a `passwd` code that went to Telegram.
  static func codeSentToTelegram(email: String) -> Notice {
    Notice(
      subject: "Your code to change the password",
      text: [
        "Hello,", "",
        "a password change was asked for \(email). A code was sent to your Telegram.", "",
        "If this was not you, run 'authctl recover \(email)' and change your password.",
      ].joined(separator: "\n"))
  }

  static func accountDisabled(email: String) -> Notice {
    Notice(
      subject: "Your account was disabled",
      text: [
        "An operator disabled the account \(email); every session of it has ended.",
        "If you did not expect this, contact the operator.",
      ].joined(separator: "\n"))
  }

  static func newLogin(email: String, at: Instant) -> Notice {
    Notice(
      subject: "New login",
      text: [
        "The account \(email) logged in at \(at).",
        "If this was not you, run 'authctl recover \(email)' at once.",
      ].joined(separator: "\n"))
  }
}

/// The notifications the flows send, channel-neutral (`Notice`: subject, text, secrets);
/// each notifier renders them (mail as a MIME message). Each secret stands on a line of its
/// own — `Password: …`, `Code: …`, `Token: …` — so a person can copy it and a script can find
/// it, and is listed in the notification's `secrets`.
enum NotificationTemplates {
  static func link(_ appURL: WebAddress?, _ path: String, electricMail: String?, token: String)
    -> String?
  {
    guard let base = appURL?.base else { return nil }
    var query = "token=" + percentEncode(token)
    if let electricMail { query = "electric_mail=" + percentEncode(electricMail) + "&" + query }
    return "\(base)/\(path)?\(query)"
  }

  /// RFC 3986 percent-encoding of everything but unreserved characters.
  static func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
        UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(UnicodeScalar(b))
      default:
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        out += "%"
        out.unicodeScalars.append(hex[Int(b >> 4)])
        out.unicodeScalars.append(hex[Int(b & 15)])
      }
    }
    return out
  }

  static func confirm(
    email: String, token: String, link: String?, password: String?, ttl: Int64
  ) -> Notice {
    var lines = [
      "Hello,", "",
      "an account was registered for \(email). To confirm it, run",
      "", "    authctl confirm \(token)", "",
    ]
    if let link { lines += ["or open this link:", "", link, ""] }
    lines += ["The confirmation token:", "", "Token: \(token)", ""]
    if let password {
      lines += [
        "Your password (change it with 'authctl passwd' after logging in):", "",
        "Password: \(password)", "",
      ]
    } else {
      lines += [
        "A password was chosen at registration. Confirming asks for it (or reads it with",
        "--password-stdin); if you did not choose it, confirm without it and a new password",
        "is mailed to you.", "",
      ]
    }
    lines += [
      "The token works for \(DurationText.format(ttl)). If it expires, run",
      "'authctl register \(email)' again for a new one.", "",
      "If you did not ask for this account, ignore this message.",
    ]
    return Notice(
      subject: "Confirm your account", text: lines.joined(separator: "\n"),
      secrets: [token] + (link.map { [$0] } ?? []) + (password.map { [$0] } ?? []))
  }

  static func exists(email: String) -> Notice {
    Notice(
      subject: "Your account already exists",
      text: [
        "Hello,", "",
        "someone tried to register \(email) again. The account already exists and is",
        "confirmed; nothing was changed. If you forgot your password, run",
        "", "    authctl recover \(email)", "",
        "If this was not you, ignore this message.",
      ].joined(separator: "\n")
    )
  }

  /// The activation notice; with `password` when a new one was generated at confirmation
  /// because the one chosen at registration was not proven.
  static func activated(email: String, password: String? = nil) -> Notice {
    var lines = ["Hello,", ""]
    if let password {
      lines += [
        "the account \(email) is confirmed. The password chosen at registration was not",
        "given when confirming, so it was replaced by this one (change it with",
        "'authctl passwd' after logging in):", "",
        "Password: \(password)", "",
        "You can now log in:", "",
      ]
    } else {
      lines += ["the account \(email) is confirmed. You can now log in:", ""]
    }
    lines += ["    authctl login \(email)"]
    return Notice(
      subject: "Your account is activated", text: lines.joined(separator: "\n"),
      secrets: password.map { [$0] } ?? [])
  }

  /// The reset mail; `code` nil when it went to the account's Telegram (issue 15).
  static func recover(email: String, token: String, code: String?, link: String?, ttl: Int64)
    -> Notice
  {
    var lines = [
      "Hello,", "",
      "a password reset was asked for \(email). Run", "",
      "    authctl reset \(token)", "",
    ]
    if let code {
      lines += ["and give it this code when asked:", "", "Code: \(code)", ""]
    } else {
      lines += ["and give it the code that was sent to your Telegram.", ""]
    }
    if let link { lines += ["Or open this link and enter the code there:", "", link, ""] }
    lines += [
      "The reset token:", "", "Token: \(token)", "",
      "Both work for \(DurationText.format(ttl)) and only once. If you did not ask for this,",
      "ignore this message: your password stays as it is.",
    ]
    return Notice(
      subject: "Reset your password", text: lines.joined(separator: "\n"),
      secrets: [token] + (code.map { [$0] } ?? []) + (link.map { [$0] } ?? []))
  }

  static func newPassword(email: String, password: String, reason: String) -> Notice {
    Notice(
      subject: "Your new password",
      text: [
        "Hello,", "", "\(reason) The new password of \(email):", "",
        "Password: \(password)", "",
        "Every session of the account has ended. Log in with 'authctl login \(email)'.",
      ].joined(separator: "\n"),
      secrets: [password]
    )
  }

  static func passwordChanged(email: String) -> Notice {
    Notice(
      subject: "Your password was changed",
      text: [
        "Hello,", "",
        "the password of \(email) was changed and every session of the account has ended.", "",
        "If this was not you, run 'authctl recover \(email)' at once.",
      ].joined(separator: "\n")
    )
  }

  static func passwdCode(email: String, code: String, ttl: Int64) -> Notice {
    Notice(
      subject: "Your code to change the password",
      text: [
        "Hello,", "", "a password change was asked for \(email). The code:", "",
        "Code: \(code)", "",
        "It works for \(DurationText.format(ttl)) and only once. If this was not you, run",
        "'authctl recover \(email)' and change your password.",
      ].joined(separator: "\n"),
      secrets: [code]
    )
  }

  /// To the new address: the token that confirms it.
  static func emailChangeConfirm(old: String, new: String, token: String, ttl: Int64)
    -> Notice
  {
    Notice(
      subject: "Confirm your new address",
      text: [
        "Hello,", "",
        "the account \(old) asked to use \(new) as its address from now on. To confirm", "",
        "that this mailbox is yours, run", "",
        "    authctl confirm \(token)", "",
        "The confirmation token:", "", "Token: \(token)", "",
        "It works for \(DurationText.format(ttl)) and only once. If you did not ask for this,",
        "ignore this message: nothing changes without it.",
      ].joined(separator: "\n"),
      secrets: [token]
    )
  }

  /// To the old address: a change was asked for (the new address masked).
  static func emailChangeNotice(old: String, masked: String, byOperator: Bool) -> Notice {
    Notice(
      subject: "Your address is being changed",
      text: [
        "Hello,", "",
        "your address is being changed to \(masked)"
          + (byOperator ? " by an operator." : " at your account's request."),
        "The change happens once the token mailed to the new address is used.", "",
        "If this was not you, run 'authctl recover \(old)' at once and set a new password:",
        "that cancels the change.",
      ].joined(separator: "\n")
    )
  }

  /// To the old address, when an operator changed it at once (`--no-confirm`).
  static func emailChangedNotice(masked: String) -> Notice {
    Notice(
      subject: "Your address was changed",
      text: [
        "Hello,", "",
        "an operator changed your account's address to \(masked). This address no longer",
        "reaches the account, and every session of it has ended.", "",
        "If you did not expect this, contact the operator.",
      ].joined(separator: "\n")
    )
  }

  /// To the new address, once the change is made.
  static func emailChanged(new: String, oldMasked: String) -> Notice {
    Notice(
      subject: "Your address was changed",
      text: [
        "Hello,", "",
        "\(new) is now the address of the account that was \(oldMasked). Every session",
        "of the account has ended; log in with", "",
        "    authctl login \(new)",
      ].joined(separator: "\n")
    )
  }
}

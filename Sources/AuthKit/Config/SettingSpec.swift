/// One configuration variable: its name (the original app's, or `AUTHCTL_…`), what it takes,
/// its default, what it means, and the field of `Settings` it fills. `authctl config`, the man
/// page and the README list these; `Config` loads them into `Settings`.
public struct SettingSpec: Sendable {
  public enum Kind: Sendable, Equatable {
    case text
    case path
    case url
    /// Comma-separated values.
    case list
    case secret
    case bool
    case integer(ClosedRange<Int>)
    case duration
    /// One of these words.
    case choice([String])
    /// One sender: an address or a name-addr (`MailSender`).
    case sender
    /// Comma-separated senders (`MailSender.parseList`).
    case senders
  }

  public let name: String
  public let kind: Kind
  public let defaultValue: String?
  public let summary: String
  /// The field of `Settings` the variable fills.
  public let field: PartialKeyPath<Settings> & Sendable
  /// Parses `text` into the field; returns the problem (the message after "NAME (from
  /// SOURCE): ") when the text is not a value of the kind.
  let load: @Sendable (inout Settings, String) -> String?

  public var isSecret: Bool { kind == .secret }

  /// Every variable authctl reads, in the order `authctl config` prints them.
  public static let all: [SettingSpec] = [
    .text(
      "AUTHCTL_DB", \.databasePath, default: "./authctl.sqlite",
      "the database: a SQLite path, or a postgres:// URL (--db)",
      kind: .path),
    .text(
      "AUTHCTL_SESSION_FILE", \.sessionFile,
      "the session token file (--session-file); default $XDG_STATE_HOME/authctl/session",
      kind: .path),
    .secret(
      "JWT_SECRET", \.jwtSecret,
      "HS256 key for tokens, at least 32 bytes; default: generated at migration, kept in the database"
    ),
    .secret(
      "SECRET_KEY", \.secretKey, "key for code hashes and fingerprints (default: from JWT_SECRET)"),
    .url(
      "APP_URL", \.appURL, "the web app's URL; mails then carry its activation and reset links"),
    .text(
      "MAIL_SERVER", \.mailServer,
      "SMTP host; unset: mail goes to the local mailbox beside the database"),
    .integer("MAIL_PORT", 1...65535, \.mailPort, default: "25", "SMTP port"),
    .bool("MAIL_USE_TLS", \.mailUseTLS, "STARTTLS (RFC 3207); never falls back to clear text"),
    .bool("MAIL_USE_SSL", \.mailUseSSL, "implicit TLS (RFC 8314)"),
    .text(
      "MAIL_USERNAME", \.mailUsername,
      "SMTP AUTH user (the address of a `Name <address>`); also the sender when MAIL_DEFAULT_SENDER and MAIL_SENDERS are unset"
    ),
    .secret("MAIL_PASSWORD", \.mailPassword, "SMTP AUTH password"),
    .sender(
      "MAIL_DEFAULT_SENDER", \.mailDefaultSender,
      "From: an address or `Name <address>` (the envelope carries the address)"),
    .senders(
      "MAIL_SENDERS", \.mailSenders,
      "comma-separated From addresses or `Name <address>`; each message takes one at random"),
    .integer(
      "MAIL_MAX_EMAILS", 1...1_000_000, \.mailMaxEmails, default: "100",
      "messages sent over one SMTP connection"),
    .integer(
      "MAIL_CONNECTIONS", 1...32, \.mailConnections, default: "1",
      "parallel SMTP connections of mail flush, each carrying up to MAIL_MAX_EMAILS messages"),
    .bool("MAIL_SUPPRESS_SEND", \.mailSuppressSend, "send nothing; messages are marked suppressed"),
    .bool("MAIL_DEBUG", \.mailDebug, "print the SMTP transcript to stderr (AUTH redacted)"),
    .bool(
      "MAIL_ASCII_ATTACHMENTS", \.mailASCIIAttachments,
      "accepted for compatibility; authctl sends no attachments"),
    .duration("MAIL_TIMEOUT", \.mailTimeout, default: "30s", "timeout of each SMTP command"),
    .text(
      "MAIL_TLS_CA_FILE", \.mailTLSCAFile, "extra CA certificates (PEM) trusted for SMTP TLS",
      kind: .path),
    .bool("MAIL_ALLOW_PLAINTEXT_AUTH", \.mailAllowPlaintextAuth, "allow SMTP AUTH without TLS"),
    .integer(
      "AUTHCTL_BCRYPT_COST", 4...31, \.bcryptCost, default: "12", "bcrypt cost of new hashes"),
    .integer(
      "AUTHCTL_MIN_PASSWORD_LENGTH", 8...72, \.minPasswordLength, default: "12",
      "shortest password a person may choose"),
    .text(
      "AUTHCTL_TOKEN_ISSUER", \.tokenIssuer, default: "authctl",
      "the iss claim (the original app used DarkEngine)"),
    .duration(
      "AUTHCTL_CONFIRM_TTL", \.confirmTTL, default: "30m", "lifetime of confirmation tokens"),
    .duration("AUTHCTL_RESET_TTL", \.resetTTL, default: "30m", "lifetime of reset tokens"),
    .duration("AUTHCTL_CODE_TTL", \.codeTTL, default: "10m", "lifetime of one-time codes"),
    .duration("AUTHCTL_SESSION_TTL", \.sessionTTL, default: "12h", "lifetime of sessions"),
    .integer(
      "AUTHCTL_MAX_SESSIONS", 1...10_000, \.maxSessions, default: "10",
      "live sessions per account; a login past it ends the oldest"),
    .integer(
      "AUTHCTL_LOCKOUT_THRESHOLD", 1...1000, \.lockoutThreshold, default: "10",
      "consecutive failed logins that lock"),
    .duration(
      "AUTHCTL_LOCKOUT_DURATION", \.lockoutDuration, default: "15m", "how long a lock lasts"),
    .integer(
      "AUTHCTL_MAIL_PER_HOUR", 1...100_000, \.mailPerHour, default: "20",
      "messages to one mailbox per hour (case and a +tag ignored)"),
    .text(
      "AUTHCTL_BREACHED_FILE", \.breachedFile,
      "sorted SHA-1 list of breached passwords (HIBP's HASH:count format); chosen passwords in it are refused",
      kind: .path),
    .https(
      "AUTHCTL_BREACHED_API", \.breachedAPI,
      "k-anonymity range API for breached passwords, e.g. https://api.pwnedpasswords.com/range/"),
    .choice(
      "AUTHCTL_BREACHED_MODE", \.breachedMode, default: .required,
      "when the API cannot answer: required refuses for now (75), best-effort warns and accepts"),
    .text(
      "AUTHCTL_TLS_CA_FILE", \.tlsCAFile,
      "extra CA certificates (PEM) trusted for HTTPS (the breached-password API, Telegram's Bot API)",
      kind: .path),
    .duration(
      "AUTHCTL_HTTP_TIMEOUT", \.httpTimeout, default: "10s", "timeout of each HTTPS request"),
    .program(
      "AUTHCTL_HOOK", \.hookProgram,
      "a program run once per audit event with the event as JSON on stdin (hooks flush)"),
    .duration(
      "AUTHCTL_HOOK_TIMEOUT", \.hookTimeout, default: "10s",
      "how long one run of AUTHCTL_HOOK may take before its process group is killed"),
    .duration(
      "AUTHCTL_AUDIT_RETENTION", \.auditRetention, default: "365d",
      "audit events older than this go at 'authctl prune'"),
    .duration(
      "AUTHCTL_OUTBOX_RETENTION", \.outboxRetention, default: "30d",
      "sent, suppressed and failed mail older than this goes at 'authctl prune'"),
    .duration(
      "AUTHCTL_SESSION_RETENTION", \.sessionRetention, default: "30d",
      "rows of sessions ended longer ago go at 'authctl prune' and 'sessions prune'"),
    .secret(
      "TELEGRAM_BOT_TOKEN", \.telegramBotToken,
      "the Telegram bot's token from @BotFather; set, linked accounts get codes and notices there",
      check: {
        TelegramBotAPI.isBotToken($0)
          ? nil : "not a bot token from @BotFather (digits, ':', then the key)"
      }),
    .https(
      "TELEGRAM_API_URL", \.telegramAPIURL, default: "https://api.telegram.org",
      "the Telegram Bot API's base URL"),
  ]

  private init(
    _ name: String, _ kind: Kind, _ defaultValue: String?, _ summary: String,
    _ field: PartialKeyPath<Settings> & Sendable,
    load: @escaping @Sendable (inout Settings, String) -> String?
  ) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.summary = summary
    self.field = field
    self.load = load
  }
}

// MARK: - One factory per kind: the field's type matches the kind, and a field that is not
// optional takes a default.

extension SettingSpec {
  /// Text (`kind` `.text` or `.path`); unset or empty is nil.
  static func text(
    _ name: String, _ field: WritableKeyPath<Settings, String?> & Sendable, _ summary: String,
    kind: Kind = .text
  ) -> SettingSpec {
    SettingSpec(name, kind, nil, summary, field) { s, text in
      s[keyPath: field] = text.isEmpty ? nil : text
      return nil
    }
  }

  /// Text (`kind` `.text` or `.path`) with a default; empty is the default too.
  static func text(
    _ name: String, _ field: WritableKeyPath<Settings, String> & Sendable, default: String,
    _ summary: String, kind: Kind = .text
  ) -> SettingSpec {
    SettingSpec(name, kind, `default`, summary, field) { s, text in
      s[keyPath: field] = text.isEmpty ? `default` : text
      return nil
    }
  }

  /// A program's absolute path (`kind` `.path`); unset or empty is nil. A relative path
  /// would name another program in each folder authctl runs in: refused.
  static func program(
    _ name: String, _ field: WritableKeyPath<Settings, String?> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .path, nil, summary, field) { s, text in
      guard !text.isEmpty else {
        s[keyPath: field] = nil
        return nil
      }
      guard text.hasPrefix("/") else {
        return "'\(EmailAddress.printable(text))' is not an absolute path"
      }
      s[keyPath: field] = text
      return nil
    }
  }

  /// A web address; unset or empty is nil.
  static func url(
    _ name: String, _ field: WritableKeyPath<Settings, WebAddress?> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .url, nil, summary, field) { s, text in
      s[keyPath: field] = text.isEmpty ? nil : WebAddress(text)
      return nil
    }
  }

  /// Comma-separated values, each without surrounding blanks; empty ones are dropped.
  static func list(
    _ name: String, _ field: WritableKeyPath<Settings, [String]> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .list, nil, summary, field) { s, text in
      s[keyPath: field] = text.split(separator: ",").map { $0.trimmingASCIIWhitespace() }
        .filter { !$0.isEmpty }
      return nil
    }
  }

  /// One sender (`MailSender`: an address or `Name <address>`); unset or empty is nil.
  static func sender(
    _ name: String, _ field: WritableKeyPath<Settings, MailSender?> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .sender, nil, summary, field) { s, text in
      guard !text.isEmpty else {
        s[keyPath: field] = nil
        return nil
      }
      do throws(MailSenderError) {
        s[keyPath: field] = try MailSender.parse(text)
        return nil
      } catch {
        return notASender(text, error)
      }
    }
  }

  /// Comma-separated senders (`MailSender.parseList`: a comma inside quotes or angle brackets
  /// does not separate); empty entries are dropped.
  static func senders(
    _ name: String, _ field: WritableKeyPath<Settings, [MailSender]> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .senders, nil, summary, field) { s, text in
      do throws(MailSenderError) {
        s[keyPath: field] = try MailSender.parseList(text)
        return nil
      } catch {
        return notASender(text, error)
      }
    }
  }

  /// The problem of a sender setting that does not parse, the value escaped.
  static func notASender(_ text: String, _ error: MailSenderError) -> String {
    "'\(EmailAddress.printable(text))' is not an address or Name <address>: \(error.reason)"
  }

  /// A secret; unset or empty is nil. May hold anything but NUL, and what `check` takes (its
  /// problem, which must not quote the value).
  static func secret(
    _ name: String, _ field: WritableKeyPath<Settings, Secret?> & Sendable, _ summary: String,
    check: @escaping @Sendable (String) -> String? = { _ in nil }
  ) -> SettingSpec {
    SettingSpec(name, .secret, nil, summary, field) { s, text in
      if text.utf8.contains(0) { return "the value contains a NUL" }
      if !text.isEmpty, let problem = check(text) { return problem }
      s[keyPath: field] = text.isEmpty ? nil : Secret(text)
      return nil
    }
  }

  /// A boolean, as Flask-Mail's users write them; default false, and empty is false.
  static func bool(
    _ name: String, _ field: WritableKeyPath<Settings, Bool> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .bool, "false", summary, field) { s, text in
      guard let b = parseBool(text) else {
        return "'\(text)' is not a boolean (True/False, true/false, 1/0, yes/no)"
      }
      s[keyPath: field] = b
      return nil
    }
  }

  /// A whole number in `range`, blanks around it allowed.
  static func integer(
    _ name: String, _ range: ClosedRange<Int>, _ field: WritableKeyPath<Settings, Int> & Sendable,
    default: String, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .integer(range), `default`, summary, field) { s, text in
      guard let n = Int(text.trimming(Blanks.spaceTabAndLineEnds)), range.contains(n) else {
        return "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)"
      }
      s[keyPath: field] = n
      return nil
    }
  }

  /// A duration (`DurationText`) from 1 s to `DurationText.maximum`.
  static func duration(
    _ name: String, _ field: WritableKeyPath<Settings, Duration> & Sendable, default: String,
    _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .duration, `default`, summary, field) { s, text in
      guard let d = DurationText.parse(text), d > 0 else {
        return "'\(text)' is not a duration (90s, 30m, 48h, 7d, 2w)"
      }
      guard d <= DurationText.maximum else {
        return "'\(text)' is longer than the longest duration authctl accepts (36525d, 100 years)"
      }
      s[keyPath: field] = .seconds(d)
      return nil
    }
  }

  /// An `https://` address with a default; empty is the default too.
  static func https(
    _ name: String, _ field: WritableKeyPath<Settings, HTTPSAddress> & Sendable, default: String,
    _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .url, `default`, summary, field) { s, text in
      do throws(HTTPError) {
        s[keyPath: field] = try HTTPSAddress(text.isEmpty ? `default` : text)
        return nil
      } catch {
        return error.message
      }
    }
  }

  /// An `https://` address (`HTTPSAddress`); unset or empty is nil, anything else refused.
  static func https(
    _ name: String, _ field: WritableKeyPath<Settings, HTTPSAddress?> & Sendable,
    _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .url, nil, summary, field) { s, text in
      guard !text.isEmpty else {
        s[keyPath: field] = nil
        return nil
      }
      do throws(HTTPError) {
        s[keyPath: field] = try HTTPSAddress(text)
        return nil
      } catch {
        return error.message
      }
    }
  }

  /// One of the words of `T` (its raw values), blanks around it allowed.
  static func choice<T: RawRepresentable & CaseIterable & Sendable>(
    _ name: String, _ field: WritableKeyPath<Settings, T> & Sendable, default: T,
    _ summary: String
  ) -> SettingSpec where T.RawValue == String {
    let words = T.allCases.map(\.rawValue)
    return SettingSpec(name, .choice(words), `default`.rawValue, summary, field) { s, text in
      guard let value = T(rawValue: text.trimming(Blanks.spaceTabAndLineEnds)) else {
        return "'\(text)' is not one of \(words.joined(separator: ", "))"
      }
      s[keyPath: field] = value
      return nil
    }
  }

  /// `True`/`true`/`1`/`yes`/`on` and their opposites, case and surrounding blanks ignored;
  /// empty is false.
  static func parseBool(_ text: String) -> Bool? {
    switch text.trimming(Blanks.spaceTabAndLineEnds).lowercased() {
    case "true", "1", "yes", "on": return true
    case "false", "0", "no", "off", "": return false
    default: return nil
    }
  }
}

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
      "AUTHCTL_DB", \.databasePath, default: "./authctl.sqlite", "the SQLite database (--db)",
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
      "SMTP AUTH user; also the sender when MAIL_DEFAULT_SENDER is unset"),
    .secret("MAIL_PASSWORD", \.mailPassword, "SMTP AUTH password"),
    .text("MAIL_DEFAULT_SENDER", \.mailDefaultSender, "From address"),
    .list(
      "MAIL_SENDERS", \.mailSenders,
      "comma-separated From addresses; each message takes one at random"),
    .integer(
      "MAIL_MAX_EMAILS", 1...1_000_000, \.mailMaxEmails, default: "100",
      "messages sent over one SMTP connection"),
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
    .duration(
      "AUTHCTL_AUDIT_RETENTION", \.auditRetention, default: "365d",
      "audit events older than this go at 'authctl prune'"),
    .duration(
      "AUTHCTL_OUTBOX_RETENTION", \.outboxRetention, default: "30d",
      "sent, suppressed and failed mail older than this goes at 'authctl prune'"),
    .duration(
      "AUTHCTL_SESSION_RETENTION", \.sessionRetention, default: "30d",
      "rows of sessions ended longer ago go at 'authctl prune' and 'sessions prune'"),
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

  /// A secret; unset or empty is nil. May hold anything but NUL.
  static func secret(
    _ name: String, _ field: WritableKeyPath<Settings, Secret?> & Sendable, _ summary: String
  ) -> SettingSpec {
    SettingSpec(name, .secret, nil, summary, field) { s, text in
      if text.utf8.contains(0) { return "the value contains a NUL" }
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

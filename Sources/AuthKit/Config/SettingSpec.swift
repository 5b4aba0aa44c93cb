/// One configuration variable: its name (the original app's, or `AUTHCTL_…`), what it takes,
/// its default and what it means. `authctl config`, the man page and the README list these.
public struct SettingSpec: Sendable {
  public enum Kind: Sendable, Equatable {
    case text
    case secret
    case bool
    case integer(ClosedRange<Int>)
    case duration
  }

  public let name: String
  public let kind: Kind
  public let defaultValue: String?
  public let summary: String

  public var isSecret: Bool { kind == .secret }

  /// Every variable authctl reads, in the order `authctl config` prints them.
  public static let all: [SettingSpec] = [
    .init("AUTHCTL_DB", .text, "./authctl.sqlite", "the SQLite database (--db)"),
    .init(
      "AUTHCTL_SESSION_FILE", .text, nil,
      "the session token file (--session-file); default $XDG_STATE_HOME/authctl/session"),
    .init(
      "JWT_SECRET", .secret, nil,
      "HS256 key for tokens, at least 32 bytes; default: generated at migration, kept in the database"
    ),
    .init(
      "SECRET_KEY", .secret, nil, "key for code hashes and fingerprints (default: from JWT_SECRET)"),
    .init(
      "APP_URL", .text, nil, "the web app's URL; mails then carry its activation and reset links"),
    .init(
      "MAIL_SERVER", .text, nil,
      "SMTP host; unset: mail goes to the local mailbox beside the database"),
    .init("MAIL_PORT", .integer(1...65535), "25", "SMTP port"),
    .init("MAIL_USE_TLS", .bool, "false", "STARTTLS (RFC 3207); never falls back to clear text"),
    .init("MAIL_USE_SSL", .bool, "false", "implicit TLS (RFC 8314)"),
    .init(
      "MAIL_USERNAME", .text, nil,
      "SMTP AUTH user; also the sender when MAIL_DEFAULT_SENDER is unset"),
    .init("MAIL_PASSWORD", .secret, nil, "SMTP AUTH password"),
    .init("MAIL_DEFAULT_SENDER", .text, nil, "From address"),
    .init(
      "MAIL_SENDERS", .text, nil, "comma-separated From addresses; each message takes one at random"
    ),
    .init(
      "MAIL_MAX_EMAILS", .integer(1...1_000_000), "100", "messages sent over one SMTP connection"),
    .init("MAIL_SUPPRESS_SEND", .bool, "false", "send nothing; messages are marked suppressed"),
    .init("MAIL_DEBUG", .bool, "false", "print the SMTP transcript to stderr (AUTH redacted)"),
    .init(
      "MAIL_ASCII_ATTACHMENTS", .bool, "false",
      "accepted for compatibility; authctl sends no attachments"),
    .init("MAIL_TIMEOUT", .duration, "30s", "timeout of each SMTP command"),
    .init("MAIL_TLS_CA_FILE", .text, nil, "extra CA certificates (PEM) trusted for SMTP TLS"),
    .init("MAIL_ALLOW_PLAINTEXT_AUTH", .bool, "false", "allow SMTP AUTH without TLS"),
    .init("AUTHCTL_BCRYPT_COST", .integer(4...31), "12", "bcrypt cost of new hashes"),
    .init(
      "AUTHCTL_MIN_PASSWORD_LENGTH", .integer(8...72), "12", "shortest password a person may choose"
    ),
    .init(
      "AUTHCTL_TOKEN_ISSUER", .text, "authctl", "the iss claim (the original app used DarkEngine)"),
    .init("AUTHCTL_CONFIRM_TTL", .duration, "30m", "lifetime of confirmation tokens"),
    .init("AUTHCTL_RESET_TTL", .duration, "30m", "lifetime of reset tokens"),
    .init("AUTHCTL_CODE_TTL", .duration, "10m", "lifetime of one-time codes"),
    .init("AUTHCTL_SESSION_TTL", .duration, "12h", "lifetime of sessions"),
    .init(
      "AUTHCTL_MAX_SESSIONS", .integer(1...10_000), "10",
      "live sessions per account; a login past it ends the oldest"),
    .init(
      "AUTHCTL_LOCKOUT_THRESHOLD", .integer(1...1000), "10", "consecutive failed logins that lock"),
    .init("AUTHCTL_LOCKOUT_DURATION", .duration, "15m", "how long a lock lasts"),
    .init(
      "AUTHCTL_MAIL_PER_HOUR", .integer(1...100_000), "20",
      "messages to one mailbox per hour (case and a +tag ignored)"),
    .init(
      "AUTHCTL_AUDIT_RETENTION", .duration, "365d",
      "audit events older than this go at 'authctl prune'"),
    .init(
      "AUTHCTL_OUTBOX_RETENTION", .duration, "30d",
      "sent, suppressed and failed mail older than this goes at 'authctl prune'"),
    .init(
      "AUTHCTL_SESSION_RETENTION", .duration, "30d",
      "rows of sessions ended longer ago go at 'authctl prune' and 'sessions prune'"),
  ]

  init(_ name: String, _ kind: Kind, _ defaultValue: String?, _ summary: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.summary = summary
  }

  /// The spec named `name`; a programmer error when there is none.
  public static func named(_ name: String) -> SettingSpec {
    guard let spec = all.first(where: { $0.name == name }) else {
      preconditionFailure("no setting \(name)")
    }
    return spec
  }
}

/// The effective settings as typed values, built once at load from `SettingSpec.all` (each
/// variable's text from its source checked, parsed and put into its field). Flows, mail and the
/// CLI read these fields — `settings.lockoutThreshold`, never a variable's name — so a
/// misspelled setting does not compile.
///
/// Only `Config` builds one (the fields are read-only outside AuthKit), so every value here has
/// passed the checks of its kind: a number in its range, a duration from 1 s to 100 years, no
/// line break or NUL in any text. A field whose variable has a default holds that default when
/// the variable is unset; one without is nil (or empty) when unset or empty.
public struct Settings: Sendable {
  // The placeholders below never survive loading: every field without an optional type has a
  // default in its spec (`SettingSpec`'s factories require one), applied when it is unset.

  /// `AUTHCTL_DB` (`--db`): the database as given, a SQLite path or a PostgreSQL connection
  /// string (which may hold a password: show `database.display`).
  public internal(set) var databasePath = ""
  /// The store `databasePath` names: a SQLite file or a PostgreSQL database.
  public var database: StoreLocation { StoreLocation(databasePath) }
  /// `AUTHCTL_SESSION_FILE` (`--session-file`).
  public internal(set) var sessionFile: String?
  /// `JWT_SECRET`: the HS256 key; unset, the database keeps a generated one.
  public internal(set) var jwtSecret: Secret?
  /// `SECRET_KEY`: the key for code hashes and fingerprints (unset: derived from JWT_SECRET).
  public internal(set) var secretKey: Secret?
  /// `APP_URL`: the web app; mails then carry its links.
  public internal(set) var appURL: WebAddress?

  /// `MAIL_SERVER`: the SMTP host; unset, mail goes to the local mailbox.
  public internal(set) var mailServer: String?
  /// `MAIL_PORT`.
  public internal(set) var mailPort = 0
  /// `MAIL_USE_TLS`: STARTTLS (RFC 3207).
  public internal(set) var mailUseTLS = false
  /// `MAIL_USE_SSL`: implicit TLS (RFC 8314).
  public internal(set) var mailUseSSL = false
  /// `MAIL_USERNAME`: the SMTP AUTH user, as written.
  public internal(set) var mailUsername: String?
  /// `MAIL_PASSWORD`: the SMTP AUTH password.
  public internal(set) var mailPassword: Secret?
  /// `MAIL_DEFAULT_SENDER`: the sender, an address or `Name <address>`.
  public internal(set) var mailDefaultSender: MailSender?
  /// `MAIL_SENDERS`: the pool of senders, empty entries dropped.
  public internal(set) var mailSenders: [MailSender] = []
  /// `MAIL_MAX_EMAILS`: messages over one SMTP connection.
  public internal(set) var mailMaxEmails = 0
  /// `MAIL_CONNECTIONS`: SMTP connections side by side for `mail flush`.
  public internal(set) var mailConnections = 0
  /// `MAIL_SUPPRESS_SEND`: send nothing.
  public internal(set) var mailSuppressSend = false
  /// `MAIL_DEBUG`: the SMTP transcript (to the observer).
  public internal(set) var mailDebug = false
  /// `MAIL_ASCII_ATTACHMENTS`: accepted for compatibility, unused.
  public internal(set) var mailASCIIAttachments = false
  /// `MAIL_TIMEOUT`: the timeout of each SMTP command.
  public internal(set) var mailTimeout = Duration.zero
  /// `MAIL_TLS_CA_FILE`: extra CA certificates (PEM) for SMTP TLS.
  public internal(set) var mailTLSCAFile: String?
  /// `MAIL_ALLOW_PLAINTEXT_AUTH`: SMTP AUTH without TLS.
  public internal(set) var mailAllowPlaintextAuth = false

  /// `AUTHCTL_BCRYPT_COST`: the cost of new hashes.
  public internal(set) var bcryptCost = 0
  /// `AUTHCTL_MIN_PASSWORD_LENGTH`.
  public internal(set) var minPasswordLength = 0
  /// `AUTHCTL_TOKEN_ISSUER`: the `iss` claim.
  public internal(set) var tokenIssuer = ""
  /// `AUTHCTL_CONFIRM_TTL`: lifetime of confirmation tokens.
  public internal(set) var confirmTTL = Duration.zero
  /// `AUTHCTL_RESET_TTL`: lifetime of reset tokens.
  public internal(set) var resetTTL = Duration.zero
  /// `AUTHCTL_CODE_TTL`: lifetime of one-time codes.
  public internal(set) var codeTTL = Duration.zero
  /// `AUTHCTL_SESSION_TTL`: lifetime of sessions.
  public internal(set) var sessionTTL = Duration.zero
  /// `AUTHCTL_MAX_SESSIONS`: live sessions per account.
  public internal(set) var maxSessions = 0
  /// `AUTHCTL_LOCKOUT_THRESHOLD`: consecutive failed logins that lock.
  public internal(set) var lockoutThreshold = 0
  /// `AUTHCTL_LOCKOUT_DURATION`: how long a lock lasts.
  public internal(set) var lockoutDuration = Duration.zero
  /// `AUTHCTL_MAIL_PER_HOUR`: messages to one mailbox per hour.
  public internal(set) var mailPerHour = 0
  /// `AUTHCTL_AUDIT_RETENTION`: how long audit events are kept (`authctl prune`).
  public internal(set) var auditRetention = Duration.zero
  /// `AUTHCTL_OUTBOX_RETENTION`: how long sent, suppressed and failed mail is kept.
  public internal(set) var outboxRetention = Duration.zero
  /// `AUTHCTL_SESSION_RETENTION`: how long the rows of ended sessions are kept.
  public internal(set) var sessionRetention = Duration.zero

  /// `AUTHCTL_BREACHED_FILE`: HIBP's sorted SHA-1 list of breached passwords.
  public internal(set) var breachedFile: String?
  /// `AUTHCTL_BREACHED_API`: the Pwned Passwords range API's base.
  public internal(set) var breachedAPI: HTTPSAddress?
  /// `AUTHCTL_BREACHED_MODE`: what an API that cannot answer means.
  public internal(set) var breachedMode = BreachCheck.Mode.required
  /// `AUTHCTL_TLS_CA_FILE`: extra CA certificates (PEM) for HTTPS.
  public internal(set) var tlsCAFile: String?
  /// `AUTHCTL_HTTP_TIMEOUT`: the timeout of each HTTPS request.
  public internal(set) var httpTimeout = Duration.zero
  /// `TELEGRAM_BOT_TOKEN`: the bot's token (`<bot id>:<secret>`); it is part of every Bot API
  /// URL's path, so it never reaches a message (`TelegramBotAPI` scrubs it).
  public internal(set) var telegramBotToken: Secret?
  /// `TELEGRAM_API_URL`: the Bot API's base (`https://api.telegram.org`).
  public internal(set) var telegramAPIURL = Settings.telegramDefaultAPI

  /// `AUTHCTL_HOOK`: the program every audit event is handed to (issue 15); nil: no events
  /// are queued for it.
  public internal(set) var hookProgram: String?
  /// `AUTHCTL_HOOK_TIMEOUT`: how long one run of the hook program may take.
  public internal(set) var hookTimeout = Duration.zero

  init() {}

  static let telegramDefaultAPI = HTTPSAddress(host: "api.telegram.org", port: 443, target: "/")
}

extension Settings {
  /// `MAIL_USERNAME` as a sender, when it is one: written `Name <address>` (AUTH then logs in
  /// as the address), or the sender in effect (MAIL_DEFAULT_SENDER and MAIL_SENDERS unset).
  /// `Config` refused a value that does not parse then.
  public var mailUsernameSender: MailSender? {
    guard let text = mailUsername else { return nil }
    let isSender = mailDefaultSender == nil && mailSenders.isEmpty
    guard isSender || text.unicodeScalars.contains("<") else { return nil }
    return try? MailSender.parse(text)
  }

  /// The envelope address(es) a sender setting gives — MAIL_DEFAULT_SENDER, MAIL_SENDERS, and
  /// MAIL_USERNAME when it is a sender — for `authctl config`; nil for any other field, or
  /// when unset.
  public func senderAddresses(_ field: PartialKeyPath<Settings>) -> String? {
    let senders: [MailSender]
    switch field {
    case \Settings.mailDefaultSender: senders = mailDefaultSender.map { [$0] } ?? []
    case \Settings.mailSenders: senders = mailSenders
    case \Settings.mailUsername: senders = mailUsernameSender.map { [$0] } ?? []
    default: return nil
    }
    return senders.isEmpty ? nil : senders.map(\.address).joined(separator: ", ")
  }
}

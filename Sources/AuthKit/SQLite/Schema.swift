/// The whole schema, designed once for all the commands (see the foundation issue).
///
/// Version 1 adopts the original Flask app's table exactly as it is —
/// `users(id, email, password, activated_at)` — and adds authctl's columns; rows, hashes and
/// activations are kept, and adopted rows get the migration time as `created_at`, so no purge
/// removes them early. Version 2 adds the tables authctl alone uses.
public enum Schema {
  /// The original app's DDL, used as is when there is no `users` table yet.
  static let originalUsersTable = """
    CREATE TABLE users (id VARCHAR(128) NOT NULL, email VARCHAR(128), password VARCHAR(512), \
    activated_at VARCHAR(128), PRIMARY KEY (id))
    """

  /// Every migration in order. The binary knows `migrations.count` versions.
  public static let migrations: [Migration] = [
    Migration(version: 1, name: "adopt users table", apply: adoptUsers),
    Migration(version: 2, name: "settings, sessions, codes, outbox, audit", apply: addTables),
    Migration(
      version: 3, name: "outbox: flood guard per mailbox, no bodies of failed mail",
      apply: outboxRecipientKey),
    Migration(
      version: 4,
      name:
        "account lifecycle: validity window, required reset, address change; the original's rows dated",
      apply: lifecycle),
    Migration(version: 5, name: "outbox: a channel for each message", apply: outboxChannel),
    Migration(
      version: 6, name: "telegram: links to chats and their single-use nonces",
      apply: telegram),
    Migration(
      version: 7, name: "indexes for stats, retention and erasure", apply: operationsIndexes),
    Migration(
      version: 8, name: "hook events: audit events queued for AUTHCTL_HOOK", apply: hookEvents),
  ]

  /// The latest version this binary knows.
  public static var latestVersion: Int { migrations.count }

  static func adoptUsers(_ db: Connection, _ context: MigrationContext) throws {
    let hasUsers =
      try db.first(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'"
      ) { _ in true } ?? false
    if !hasUsers { try db.execute(originalUsersTable) }
    let columns = Set(try db.all("SELECT name FROM pragma_table_info('users')") { $0.text(0) })
    let added: [(String, String)] = [
      ("created_at", "TEXT"),
      ("updated_at", "TEXT"),
      ("disabled_at", "TEXT"),
      ("failed_logins", "INTEGER NOT NULL DEFAULT 0"),
      ("locked_until", "TEXT"),
      ("last_login_at", "TEXT"),
      // 1 when the current password was generated and mailed (a re-registration mails a new one).
      ("password_generated", "INTEGER NOT NULL DEFAULT 0"),
      // Random text changed whenever outstanding tokens must die; part of their fingerprint.
      ("stamp", "TEXT"),
      // When the password last changed or was reset, or the account was disabled: tokens and
      // sessions issued before it are refused (also tokens of the original app, which carry no
      // fingerprint).
      ("security_changed_at", "TEXT"),
    ]
    for (name, type) in added where !columns.contains(name) {
      try db.execute("ALTER TABLE users ADD COLUMN \(name) \(type)")
    }
    try db.run(
      "UPDATE users SET created_at = ?1, updated_at = ?1 WHERE created_at IS NULL",
      [StoredTime.value(context.now)])
    let clash = try db.first(
      """
      SELECT lower(email) FROM users WHERE email IS NOT NULL
      GROUP BY lower(email) HAVING count(*) > 1 LIMIT 1
      """
    ) { $0.text(0) }
    if let clash {
      throw StoreError.conflict(
        "two or more accounts have the email \(clash) (ignoring case); keep one, then migrate")
    }
    try db.execute(
      """
      CREATE UNIQUE INDEX users_email ON users(email COLLATE NOCASE);
      CREATE INDEX users_unconfirmed_created ON users(created_at) WHERE activated_at IS NULL;
      """)
  }

  static func addTables(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id VARCHAR(128) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT,
        revoked_reason TEXT
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE codes (
        id INTEGER PRIMARY KEY,
        user_id VARCHAR(128) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX codes_user ON codes(user_id, purpose);
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        user_id VARCHAR(128),
        kind TEXT NOT NULL,
        recipient TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT,
        message_id TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'sent', 'failed', 'suppressed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        sent_at TEXT
      );
      CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
      CREATE INDEX outbox_recipient ON outbox(recipient, created_at);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        user_id TEXT,
        email TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
        reason TEXT,
        detail TEXT
      );
      CREATE INDEX audit_at ON audit(at);
      CREATE INDEX audit_email ON audit(email);
      """)
    if !context.jwtSecretConfigured {
      let secret = try context.randomBytes(32)
      try db.run(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)",
        [
          .text(StoredSetting.jwtSecret.rawValue), .text(Hex.encode(secret)),
          StoredTime.value(context.now),
        ])
      context.notice(
        "JWT_SECRET is not set: generated a 32-byte secret and kept it in the database settings")
    }
  }

  /// Issue 11: the flood guard counts a mailbox once (`recipient_key`, `RecipientKey`, with
  /// its own index in place of `outbox_recipient`), and a failed message keeps no body.
  static func outboxRecipientKey(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      ALTER TABLE outbox ADD COLUMN recipient_key TEXT;
      DROP INDEX IF EXISTS outbox_recipient;
      UPDATE outbox SET body = NULL WHERE status = 'failed';
      """)
    let rows = try db.all("SELECT id, recipient FROM outbox") { ($0.int(0), $0.text(1)) }
    for (id, recipient) in rows {
      try db.run(
        "UPDATE outbox SET recipient_key = ?2 WHERE id = ?1",
        [.integer(id), .text(RecipientKey.of(recipient))])
    }
    try db.execute("CREATE INDEX outbox_recipient_key ON outbox(recipient_key, created_at)")
  }

  /// The blanks `activated_at` may hold and still mean "not confirmed" (SQLite's `trim`).
  static let blanks = "' ' || char(9, 10, 13)"

  /// Issue 16: the columns of the account lifecycle, and the original app's rows kept right.
  ///
  /// - `valid_from`, `expires_at`: the validity window (`users valid-from`, `users expire`).
  /// - `must_reset_at`, `must_reset_reason`: a required password change (`users
  ///   require-reset`).
  /// - `pending_email`, `pending_email_at`: an address change waiting for its token.
  /// - Rows the original app inserts from now on get `created_at` (and `updated_at`) from a
  ///   trigger, so `users purge` sees them. Rows it inserted since adoption, still undated,
  ///   take this migration's time: each existed by then, so a purge counts its age from a
  ///   time no later than its true creation and never removes it early.
  /// - A blank `activated_at` (`''` or white space) becomes NULL, now and by trigger when the
  ///   original writes one: unconfirmed, for authctl and for the original alike (Python reads
  ///   both `''` and `None` as false).
  static func lifecycle(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      ALTER TABLE users ADD COLUMN valid_from TEXT;
      ALTER TABLE users ADD COLUMN expires_at TEXT;
      ALTER TABLE users ADD COLUMN must_reset_at TEXT;
      ALTER TABLE users ADD COLUMN must_reset_reason TEXT;
      ALTER TABLE users ADD COLUMN pending_email TEXT;
      ALTER TABLE users ADD COLUMN pending_email_at TEXT;
      CREATE INDEX users_expires ON users(expires_at) WHERE expires_at IS NOT NULL;
      CREATE TRIGGER users_dated AFTER INSERT ON users WHEN NEW.created_at IS NULL
      BEGIN
        UPDATE users SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
          updated_at = coalesce(updated_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        WHERE id = NEW.id;
      END;
      CREATE TRIGGER users_blank_activation_insert AFTER INSERT ON users
      WHEN NEW.activated_at IS NOT NULL AND trim(NEW.activated_at, \(blanks)) = ''
      BEGIN
        UPDATE users SET activated_at = NULL WHERE id = NEW.id;
      END;
      CREATE TRIGGER users_blank_activation_update AFTER UPDATE OF activated_at ON users
      WHEN NEW.activated_at IS NOT NULL AND trim(NEW.activated_at, \(blanks)) = ''
      BEGIN
        UPDATE users SET activated_at = NULL WHERE id = NEW.id;
      END;
      """)
    try db.run(
      "UPDATE users SET activated_at = NULL WHERE trim(activated_at, \(blanks)) = ''")
    try db.run(
      """
      UPDATE users SET created_at = ?1, updated_at = coalesce(updated_at, ?1)
      WHERE created_at IS NULL
      """, [StoredTime.value(context.now)])
  }

  /// Issue 12: each outbox row names its channel (`NotificationChannel`); `recipient` is an
  /// address on it. Rows queued before are mail.
  static func outboxChannel(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute("ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail'")
  }

  /// Issue 15: an account's link to a Telegram chat, and the nonces of `telegram link`. Tables
  /// of their own (the original app's `users` table stays as it is); both go with the account.
  static func telegram(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      CREATE TABLE telegram_links (
        user_id VARCHAR(128) PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        linked_at TEXT NOT NULL,
        prefer INTEGER NOT NULL DEFAULT 1
      );
      CREATE TABLE telegram_nonces (
        selector TEXT PRIMARY KEY,
        user_id VARCHAR(128) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        nonce_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
      );
      CREATE INDEX telegram_nonces_user ON telegram_nonces(user_id);
      """)
  }

  /// Issue 17: `authctl stats` counts over indexes, however many accounts and events (a
  /// range of (event, outcome, at) per count; the small partial indexes of disabled, locked,
  /// not yet valid and must-reset accounts, beside issue 16's of expiring ones; the unconfirmed
  /// index made covering — with `activated_at` in it, SQLite counts unconfirmed accounts
  /// without reading their rows), and an account's events are found by its id (erasure,
  /// access export).
  static func operationsIndexes(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      DROP INDEX users_unconfirmed_created;
      CREATE INDEX users_unconfirmed_created ON users(created_at, activated_at)
        WHERE activated_at IS NULL;
      CREATE INDEX audit_event_outcome_at ON audit(event, outcome, at);
      CREATE INDEX audit_user ON audit(user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX users_disabled ON users(disabled_at) WHERE disabled_at IS NOT NULL;
      CREATE INDEX users_locked ON users(locked_until) WHERE locked_until IS NOT NULL;
      CREATE INDEX users_valid_from ON users(valid_from) WHERE valid_from IS NOT NULL;
      CREATE INDEX users_must_reset ON users(must_reset_at) WHERE must_reset_at IS NOT NULL;
      """)
  }

  /// Issue 15: the audit events queued for the hook program (`AUTHCTL_HOOK`), each a copy of
  /// its audit row with its delivery state. `account_key` (`HookRecords`) orders an
  /// account's events: one waits while an earlier one of its account is `queued`.
  static func hookEvents(_ db: Connection, _ context: MigrationContext) throws {
    try db.execute(
      """
      CREATE TABLE hook_events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        user_id TEXT,
        email TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed')),
        reason TEXT,
        detail TEXT,
        account_key TEXT,
        status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        sent_at TEXT
      );
      CREATE INDEX hook_events_due ON hook_events(status, next_attempt_at);
      CREATE INDEX hook_events_account ON hook_events(account_key, id) WHERE status = 'queued';
      """)
  }
}

/// Every command of the tool, in the order `authctl --help` lists them. The man page and the
/// completions are checked against this list by tests.
let commands: [CommandSpec] = [
  CommandSpec(
    "register", "create an account and mail its confirmation",
    arguments: [.init(name: "EMAIL", optional: false, help: "the new account's address")],
    options: [
      .flag(.passwordStdin, "read the chosen password from stdin instead of generating one"),
      .format(["text", "json"]),
    ], run: runRegister),
  CommandSpec(
    "confirm", "confirm an account with the mailed token or link",
    arguments: [
      .init(
        name: "TOKEN|URL|-", optional: false,
        help: "the token, or the whole link; - reads it from stdin (keeps it off the process list)")
    ],
    options: [
      .flag(
        .passwordStdin,
        "prove the password chosen at registration from stdin (else a new one is mailed)")
    ], run: runConfirm),
  CommandSpec(
    "recover", "mail a password reset token and code",
    arguments: [.init(name: "EMAIL", optional: false, help: "a confirmed account's address")],
    run: runRecover),
  CommandSpec(
    "reset", "reset a password with the mailed token and code",
    arguments: [
      .init(
        name: "TOKEN|URL|-", optional: false,
        help: "the token, or the whole link; - reads it from stdin (keeps it off the process list)")
    ],
    options: [
      .value(.code, "the 6-digit code from the mail (prompted for when absent)"),
      .flag(.passwordStdin, "read the new password from stdin instead of generating one"),
    ], run: runReset),
  CommandSpec(
    "login", "log in and keep the session token in the session file",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account's address")],
    options: [.flag(.passwordStdin, "read the password from stdin (no prompt)")], run: runLogin),
  CommandSpec(
    "whoami", "show the account of the current session", options: [.format(["text", "json"])],
    run: runWhoami),
  CommandSpec(
    "logout", "end the current session and remove the session file",
    options: [.flag(.all, "end every session of the account")], run: runLogout),
  CommandSpec(
    "passwd", "change the password of the logged-in account",
    options: [
      .flag(.request, "scripted step 1: check the current password (stdin) and mail a code"),
      .value(.code, "scripted step 2: the mailed code; the new password comes on stdin"),
      .flag(.passwordStdin, "read passwords from stdin"),
    ],
    constraints: [
      .exclusive([FlagOption.request, ValueOption.code]),
      .requires(
        FlagOption.request, anyOf: [FlagOption.passwordStdin],
        hint: "it reads the current password from stdin"),
      .requires(
        ValueOption.code, anyOf: [FlagOption.passwordStdin],
        hint: "it reads the new password from stdin"),
      .requires(FlagOption.passwordStdin, anyOf: [FlagOption.request, ValueOption.code]),
    ], run: runPasswd),
  CommandSpec(
    "check", "check an account's password, creating no session (PAM, Apache, Squid, scripts)",
    arguments: [
      .init(
        name: "EMAIL", optional: true,
        help: "the account; without it, stdin's first line is the account, its second the password")
    ],
    options: [
      .value(.passwordFd, "read the password from file descriptor FD (3) instead of stdin"),
      .flag(.pam, "pam_exec expose_authtok: the account from PAM_USER, the password on stdin"),
      .flag(
        .batch, "Squid's basic_auth helper protocol: 'user password' lines, OK or ERR per line"),
      .flag(.recordLogin, "on success record the login (last_login_at) and rehash if needed"),
    ],
    constraints: [
      .exclusive([FlagOption.pam, FlagOption.batch, ValueOption.passwordFd])
    ],
    details: """
      Exit 0 when the password is right and the account may log in; 77 when it is wrong, the
      account is unknown, unconfirmed, disabled, locked, outside its validity window or due for
      a new password (the reason is audited, and printed only with -v); 75 when the database
      is busy or unreachable; 65 for malformed input.
      A failure counts toward the lockout as a failed login does; a success writes nothing
      but the settling of its lockout reservation (--record-login also records the login).
      --pam (like checkpassword) reads settings only from the command line and --env-file,
      never from the environment, and needs --db as an absolute path. See
      docs/INTEGRATIONS.md for each server.
      """, run: runCheck),
  CommandSpec(
    "checkpassword", "DJB's checkpassword interface (Dovecot, qmail, s6): runs PROG on success",
    arguments: [
      .init(name: "PROG", optional: false, help: "the program to run once the password is right"),
      .init(name: "ARG...", optional: true, help: "its arguments, as they are", rest: true),
    ],
    options: [
      .value(.homeBase, "HOME for PROG is DIR/EMAIL (default /nonexistent)"),
      .flag(.recordLogin, "on success record the login (last_login_at) and rehash if needed"),
    ],
    details: """
      Reads 'user\\0password\\0timestamp\\0' (at most 512 bytes) from file descriptor 3,
      then runs PROG with USER and AUTHENTICATED set to the account's email and HOME to
      DIR/EMAIL. Exits 1 when the password is wrong or the account may not log in, 2 when
      descriptor 3 is misused, 111 on a temporary problem (busy database, bad configuration).
      """, run: runCheckpassword),
  CommandSpec(
    "email change", "change the logged-in account's address, confirmed from the new one",
    arguments: [.init(name: "NEW", optional: false, help: "the new address")],
    options: [.flag(.passwordStdin, "read the current password from stdin (no prompt)")],
    details: """
      The current password is asked for (a wrong one counts as a failed login). A token goes
      to the new address and a notice to the old one; 'authctl confirm TOKEN' from the new
      mailbox makes the change and ends every session of the account.
      """, run: runEmailChange),
  CommandSpec(
    "migrate", "create or upgrade the database schema",
    options: [.flag(.status, "list applied and pending migrations; change nothing")],
    run: runMigrate),
  CommandSpec(
    "users list", "list accounts (never their hashes)",
    options: [
      .value(
        .status,
        choices: [
          "unconfirmed", "active", "disabled", "locked", "expired", "not-yet-valid", "must-reset",
        ],
        "only accounts with this status (expired, not-yet-valid, must-reset: every such account)"),
      .value(.createdBefore, "only accounts created before TIME (ISO 8601)"),
      .value(
        .olderThan,
        "only accounts created more than DURATION ago (90s, 30m, 48h, 7d, 2w)"),
      .value(.limit, "at most N accounts"),
      .format(["table", "json", "jsonl", "csv"]),
    ], run: runUsersList),
  CommandSpec(
    "users show", "show one account",
    arguments: [.init(name: "EMAIL|ID", optional: false, help: "the account")],
    options: [.format(["text", "json"])], run: runUsersShow),
  CommandSpec(
    "users confirm", "confirm an account without a token",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [.flag(.notify, "mail the account-activated notice")], run: runUsersConfirm),
  CommandSpec(
    "users disable", "disable an account and end its sessions",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")], run: runUsersDisable),
  CommandSpec(
    "users enable", "enable a disabled account",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")], run: runUsersEnable),
  CommandSpec(
    "users unlock", "clear a lockout after failed logins",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")], run: runUsersUnlock),
  CommandSpec(
    "users set-password", "set an account's password and end its sessions",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [
      .flag(.passwordStdin, "read the new password from stdin"),
      .flag(.generate, "generate a password and mail it"),
    ], constraints: [.oneOf([FlagOption.passwordStdin, FlagOption.generate])],
    run: runUsersSetPassword),
  CommandSpec(
    "users set-email", "change an account's address, confirmed from the new one",
    arguments: [
      .init(name: "EMAIL", optional: false, help: "the account"),
      .init(name: "NEW", optional: false, help: "the new address"),
    ],
    options: [.flag(.noConfirm, "change it at once, without a token to the new address")],
    run: runUsersSetEmail),
  CommandSpec(
    "users expire", "end an account's validity at a time (or never)",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [.value(.at, "TIME (ISO 8601), 'now', or 'never' to clear it (required)")],
    constraints: [.required(ValueOption.at, hint: "e.g. --at 2026-12-31T18:00:00Z or --at never")],
    details: """
      From TIME on the account cannot log in, check, recover or reset (exit 77, "account
      expired"), and its sessions end.
      """, run: runUsersExpire),
  CommandSpec(
    "users valid-from", "start an account's validity at a time",
    arguments: [
      .init(name: "EMAIL", optional: false, help: "the account"),
      .init(name: "TIME", optional: false, help: "ISO 8601, or 'now' to clear the start"),
    ],
    details: """
      Before TIME the account cannot log in, check, recover or reset (exit 77, "account not
      yet valid").
      """, run: runUsersValidFrom),
  CommandSpec(
    "users require-reset", "require a new password at the next login",
    arguments: [.init(name: "EMAIL", optional: true, help: "the account (or --all)")],
    options: [
      .flag(.all, "every account"),
      .value(.reason, "why, shown when the login is refused"),
    ],
    details: """
      The account's sessions end. At its next login the password is checked, then the login
      is refused (exit 77, "password change required") and a reset token and code are mailed;
      'authctl reset' with them sets the new password and clears the mark.
      """, run: runUsersRequireReset),
  CommandSpec(
    "users delete", "delete an account, its sessions, codes and mail",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [
      .flag(.yes, "do not ask (needed without a terminal)"),
      .flag(
        .forget,
        "erase the address everywhere: its mail too, and audit events kept under a pseudonym"),
    ],
    details: """
      With --forget (an erasure request, GDPR Art. 17), the outbox rows to the address go
      too, and every audit event of the account or its address keeps its time, kind and
      outcome under a pseudonym (a keyed hash of the account id) instead of the address; an
      'admin.forget' event records the erasure, without the address.
      """, run: runUsersDelete),
  CommandSpec(
    "users purge", "delete unconfirmed accounts older than a duration",
    options: [
      .flag(.unconfirmed, "purge unconfirmed accounts (required)"),
      .value(.olderThan, "created more than DURATION ago (required)"),
      .flag(.dryRun, "list what would be removed; remove nothing"),
      .format(["text", "json"]),
    ],
    constraints: [
      .required(FlagOption.unconfirmed, hint: "only unconfirmed accounts are purged"),
      .required(ValueOption.olderThan, hint: "e.g. --older-than 7d"),
    ], run: runUsersPurge),
  CommandSpec(
    "users import", "import accounts from CSV or JSONL, all or nothing",
    arguments: [
      .init(name: "FILE|-", optional: false, help: "the file, or - for stdin", completesFiles: true)
    ],
    options: [
      .format(["csv", "jsonl"]),
      .flag(.skipExisting, "skip emails already present instead of failing"),
      .flag(
        .allowExpensiveHashes,
        "take bcrypt above cost 16, sha-crypt above 5,000,000 rounds, costly yescrypt, PBKDF2 above 2,000,000 iterations, costly scrypt"
      ),
    ], run: runUsersImport),
  CommandSpec(
    "users export",
    "export accounts as CSV or JSONL, an htpasswd file for a web server, or everything stored "
      + "about one person",
    options: [
      .flag(.withPasswordHashes, "include password hashes"),
      .value(.user, "only this person: account, sessions and mail as one JSON document"),
      .flag(.withLog, "with --user: their audit events too"),
      .format(["csv", "jsonl", "json", "htpasswd"]),
      .value(.output, "with --format htpasswd: the file to replace atomically (required)"),
    ],
    constraints: [
      .exclusive([FlagOption.withPasswordHashes, ValueOption.user]),
      .exclusive([ValueOption.output, ValueOption.user]),
      .requires(FlagOption.withLog, anyOf: [ValueOption.user]),
    ],
    details: """
      --format htpasswd writes 'email:hash' for the accounts that may log in now (confirmed,
      enabled, not locked) to --output PATH, mode 0640, keeping an existing file's group:
      for nginx's auth_basic_user_file and Apache's AuthUserFile, from cron or a hook. A lock,
      a disable or a new password reaches the web server only at the next export.

      --user EMAIL answers an access request (GDPR Art. 15): the account's fields, its
      sessions, its queued and past mail (metadata, never a body) and, with --with-log, every
      audit event of the account or its address — never a password hash or a secret. It is
      JSON (--format json, the default with --user).
      """, run: runUsersExport),
  CommandSpec(
    "sessions prune", "delete the rows of sessions that ended long ago",
    options: [
      .value(
        .olderThan,
        "ended (revoked or expired) more than DURATION ago (default AUTHCTL_SESSION_RETENTION, 30d)"
      ),
      .flag(.dryRun, "count what would be removed; remove nothing"),
    ],
    details: """
      Live sessions are never touched. 'authctl prune' does the same with the other
      retentions; the number of live sessions per account is bounded by AUTHCTL_MAX_SESSIONS.
      """, run: runSessionsPrune),
  CommandSpec(
    "prune", "remove what is past its retention: audit events, sent mail, ended sessions",
    options: [
      .flag(.dryRun, "count what would be removed; remove nothing"),
      .format(["text", "json"]),
    ],
    details: """
      Audit events older than AUTHCTL_AUDIT_RETENTION (365d), sent, suppressed and failed mail
      older than AUTHCTL_OUTBOX_RETENTION (30d), and sessions that ended more than
      AUTHCTL_SESSION_RETENTION (30d) ago. Queued mail and live sessions stay. Rows go in
      batches, each its own short transaction (aimed at 10 ms), so other commands wait for
      the database about that long; meant for cron, beside 'users purge'.
      """, run: runPrune),
  CommandSpec(
    "stats", "counts for monitoring: accounts, recent logins, the outbox, the database size",
    options: [
      .format(["table", "json", "prom"]),
      .value(.olderThan, "the purge age: unconfirmed accounts older count as due (default 7d)"),
      .value(.output, "write to FILE (replaced atomically) instead of stdout"),
    ],
    details: """
      Accounts by status, unconfirmed accounts older than the purge age, logins (ok and
      failed), lockouts, resets and registrations in the last hour and day (from the audit
      log), the outbox (due, deferred, failed, age of the oldest waiting), and the database
      and WAL sizes. --format prom writes the Prometheus text format for node_exporter's
      textfile collector, e.g.
        authctl stats --format prom --output /var/lib/node_exporter/textfile/authctl.prom
      """, run: runStats),
  CommandSpec(
    "backup", "copy the database consistently while it is in use",
    arguments: [
      .init(
        name: "PATH", optional: false, help: "the copy (replaced atomically when it exists)",
        completesFiles: true)
    ],
    details: """
      SQLite's online backup API copies one consistent snapshot while other commands go on;
      the copy is created 0600, stands alone (no -wal), and passes PRAGMA integrity_check
      before it is kept. Restore it with 'authctl restore PATH'.
      """, run: runBackup),
  CommandSpec(
    "restore", "put a backup in place of the database (refused while it is in use)",
    arguments: [
      .init(
        name: "PATH", optional: false, help: "a copy made by 'authctl backup'",
        completesFiles: true)
    ],
    details: """
      The backup must pass PRAGMA integrity_check and hold an authctl schema no newer than this
      binary's. Refused (75) while any process has the database open (SQLite's own file locks,
      asked of the kernel). The database replaced is kept as DB.bak, the restored file gets its
      owner, group and mode.
      """, run: runRestore),
  CommandSpec(
    "mail queue", "list queued and failed messages", options: [.format(["table", "json"])],
    run: runMailQueue),
  CommandSpec(
    "mail flush", "deliver queued messages that are due",
    options: [.flag(.all, "deliver every queued message, backoff or not")], run: runMailFlush),
  CommandSpec(
    "outbox queue", "list queued and failed messages of every channel (mail queue)",
    options: [.format(["table", "json"])], run: runMailQueue),
  CommandSpec(
    "outbox flush", "deliver queued messages of every channel that are due (mail flush)",
    options: [.flag(.all, "deliver every queued message, backoff or not")], run: runMailFlush),
  CommandSpec(
    "mail test", "send a test message and show each server reply",
    arguments: [.init(name: "ADDRESS", optional: false, help: "the recipient")], run: runMailTest),
  CommandSpec(
    "mail show", "print a message from the local mailbox, decoded",
    options: [
      .flag(.last, "the newest message (the default)"),
      .value(.to, "the newest message to EMAIL"),
    ], run: runMailShow),
  CommandSpec(
    "hooks queue", "list hook events waiting for AUTHCTL_HOOK, and those it gave up on",
    options: [.format(["table", "json"])], run: runHooksQueue),
  CommandSpec(
    "hooks flush", "run AUTHCTL_HOOK once per queued audit event that is due",
    options: [.flag(.all, "run every queued event, backoff or not")],
    details: """
      Each event goes to the program as one JSON object on stdin, oldest first and in order
      per account. Exit 0 marks it delivered; any other exit, a signal or AUTHCTL_HOOK_TIMEOUT
      defers it with the outbox's backoff, and the tenth failed attempt gives it up. authctl
      also runs this after each command when AUTHCTL_HOOK is set. Exit 75 when events still
      wait for their retry time.
      """, run: runHooksFlush),
  CommandSpec(
    "telegram link", "link the logged-in account to a Telegram chat (prints a t.me link)",
    details: """
      Prints https://t.me/BOT?start=NONCE (and a QR code of it on a terminal). Open it in
      Telegram and press Start; the next 'authctl telegram poll' links the chat. The nonce
      works once, for AUTHCTL_CODE_TTL; a new link makes older ones void. Nothing secret is
      ever typed into Telegram. Needs TELEGRAM_BOT_TOKEN.
      """, run: runTelegramLink),
  CommandSpec(
    "telegram poll", "read the bot's new messages and link the chats that sent a valid /start",
    details: """
      For cron (every minute or so): reads getUpdates from the stored offset, links each
      chat whose '/start NONCE' matches an unexpired, unused nonce, answers it, and audits
      every nonce that links nothing (wrong, expired, used). Exit 75 when the Bot API
      cannot be reached (nothing handled; the next run reads the same updates).
      """, run: runTelegramPoll),
  CommandSpec(
    "telegram unlink", "remove the logged-in account's Telegram link", run: runTelegramUnlink),
  CommandSpec(
    "telegram prefer", "send the logged-in account's codes to Telegram (on) or by mail (off)",
    arguments: [
      .init(
        name: "on|off", optional: false,
        help: "on: passwd and reset codes go to Telegram, the mail says so; off: codes by mail",
        choices: ["on", "off"])
    ], run: runTelegramPrefer),
  CommandSpec(
    "db copy", "copy every table to an empty database (SQLite ⇄ PostgreSQL)",
    options: [
      .value(.from, "the database to copy: a SQLite path or a postgres:// URL"),
      .value(.toDatabase, "the empty database to fill: a SQLite path or a postgres:// URL"),
    ],
    constraints: [
      .required(ValueOption.from, hint: "e.g. --from ./authctl.sqlite"),
      .required(ValueOption.toDatabase, hint: "e.g. --to postgres://db.example.com/auth"),
    ],
    details: """
      All or nothing: the target must be empty (a new SQLite file, or a database made with
      createdb); each table's row count and SHA-256 are checked against the source before
      the copy commits. The generated JWT secret is copied with the settings.
      """, run: runDbCopy),
  CommandSpec(
    "log", "show audit events",
    options: [
      .value(.user, "only events of this account"),
      .value(.event, "only events of this kind"),
      .value(.since, "only events at or after TIME (ISO 8601)"),
      .flag(.failed, "only failed events"),
      .format(["table", "json", "jsonl"]),
    ], run: runLog),
  CommandSpec(
    "config", "print the effective settings and their source",
    options: [.format(["text", "json"])], run: runConfig),
  CommandSpec(
    "completion", "print the shell completion script for bash, zsh or fish",
    arguments: [
      .init(
        name: "SHELL", optional: false, help: "bash, zsh or fish", choices: ["bash", "zsh", "fish"])
    ],
    details: """
      Load it in the running shell, or install it where the shell looks:
        source <(authctl completion bash)
        authctl completion zsh > "${fpath[1]}/_authctl"
        authctl completion fish > ~/.config/fish/completions/authctl.fish
      'make install' installs the same scripts.
      """, run: runCompletion),
]

/// The command groups that take a subcommand.
let commandGroups: [String: String] = [
  "users": "manage accounts",
  "sessions": "the sessions table",
  "mail": "the mail outbox and the local mailbox",
  "outbox": "queued messages of every channel (mail and Telegram)",
  "db": "move the database between stores",
  "hooks": "the audit events queued for the hook program (AUTHCTL_HOOK)",
  "email": "the logged-in account's address",
  "telegram": "codes and notices through a Telegram bot",
]

func command(named path: [String]) -> CommandSpec? { commands.first { $0.path == path } }

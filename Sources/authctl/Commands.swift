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
    "migrate", "create or upgrade the database schema",
    options: [.flag(.status, "list applied and pending migrations; change nothing")],
    run: runMigrate),
  CommandSpec(
    "users list", "list accounts (never their hashes)",
    options: [
      .value(
        .status, choices: ["unconfirmed", "active", "disabled", "locked"],
        "only accounts with this status"),
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
    "users delete", "delete an account, its sessions, codes and mail",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [.flag(.yes, "do not ask (needed without a terminal)")], run: runUsersDelete),
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
        "take bcrypt above cost 16, sha-crypt above 5,000,000 rounds, costly yescrypt"),
    ], run: runUsersImport),
  CommandSpec(
    "users export", "export accounts as CSV or JSONL",
    options: [
      .flag(.withPasswordHashes, "include password hashes"),
      .format(["csv", "jsonl"]),
    ], run: runUsersExport),
  CommandSpec(
    "sessions prune", "delete the rows of sessions that ended long ago",
    options: [
      .value(.olderThan, "ended (revoked or expired) more than DURATION ago (default 30d)"),
      .flag(.dryRun, "count what would be removed; remove nothing"),
    ],
    details: """
      Live sessions are never touched. Meant for cron, beside 'users purge'; the number of
      live sessions per account is bounded by AUTHCTL_MAX_SESSIONS.
      """, run: runSessionsPrune),
  CommandSpec(
    "mail queue", "list queued and failed messages", options: [.format(["table", "json"])],
    run: runMailQueue),
  CommandSpec(
    "mail flush", "deliver queued messages that are due",
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
  "db": "move the database between stores",
]

func command(named path: [String]) -> CommandSpec? { commands.first { $0.path == path } }

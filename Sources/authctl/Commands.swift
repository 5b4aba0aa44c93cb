/// Every command of the tool, in the order `authctl --help` lists them. The man page and the
/// completions are checked against this list by tests.
let commands: [CommandSpec] = [
  CommandSpec(
    "register", "create an account and mail its confirmation",
    arguments: [.init(name: "EMAIL", optional: false, help: "the new account's address")],
    options: [
      .flag("password-stdin", "read the chosen password from stdin instead of generating one"),
      .format(["text", "json"]),
    ]),
  CommandSpec(
    "confirm", "confirm an account with the mailed token or link",
    arguments: [.init(name: "TOKEN|URL", optional: false, help: "the token, or the whole link")],
    options: [
      .flag(
        "password-stdin",
        "prove the password chosen at registration from stdin (else a new one is mailed)")
    ]),
  CommandSpec(
    "recover", "mail a password reset token and code",
    arguments: [.init(name: "EMAIL", optional: false, help: "a confirmed account's address")]),
  CommandSpec(
    "reset", "reset a password with the mailed token and code",
    arguments: [.init(name: "TOKEN|URL", optional: false, help: "the token, or the whole link")],
    options: [
      .value("code", "CODE", "the 6-digit code from the mail (prompted for when absent)"),
      .flag("password-stdin", "read the new password from stdin instead of generating one"),
    ]),
  CommandSpec(
    "login", "log in and keep the session token in the session file",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account's address")],
    options: [.flag("password-stdin", "read the password from stdin (no prompt)")]),
  CommandSpec(
    "whoami", "show the account of the current session", options: [.format(["text", "json"])]),
  CommandSpec(
    "logout", "end the current session and remove the session file",
    options: [.flag("all", "end every session of the account")]),
  CommandSpec(
    "passwd", "change the password of the logged-in account",
    options: [
      .flag("request", "scripted step 1: check the current password (stdin) and mail a code"),
      .value("code", "CODE", "scripted step 2: the mailed code; the new password comes on stdin"),
      .flag("password-stdin", "read passwords from stdin"),
    ]),
  CommandSpec(
    "migrate", "create or upgrade the database schema",
    options: [.flag("status", "list applied and pending migrations; change nothing")]),
  CommandSpec(
    "users list", "list accounts (never their hashes)",
    options: [
      .value(
        "status", "STATUS", choices: ["unconfirmed", "active", "disabled", "locked"],
        "only accounts with this status"),
      .value("created-before", "TIME", "only accounts created before TIME (ISO 8601)"),
      .value(
        "older-than", "DURATION",
        "only accounts created more than DURATION ago (90s, 30m, 48h, 7d, 2w)"),
      .value("limit", "N", "at most N accounts"),
      .format(["table", "json", "jsonl", "csv"]),
    ]),
  CommandSpec(
    "users show", "show one account",
    arguments: [.init(name: "EMAIL|ID", optional: false, help: "the account")],
    options: [.format(["text", "json"])]),
  CommandSpec(
    "users confirm", "confirm an account without a token",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [.flag("notify", "mail the account-activated notice")]),
  CommandSpec(
    "users disable", "disable an account and end its sessions",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")]),
  CommandSpec(
    "users enable", "enable a disabled account",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")]),
  CommandSpec(
    "users unlock", "clear a lockout after failed logins",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")]),
  CommandSpec(
    "users set-password", "set an account's password and end its sessions",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [
      .flag("password-stdin", "read the new password from stdin"),
      .flag("generate", "generate a password and mail it"),
    ]),
  CommandSpec(
    "users delete", "delete an account, its sessions, codes and queued mail",
    arguments: [.init(name: "EMAIL", optional: false, help: "the account")],
    options: [.flag("yes", "do not ask (needed without a terminal)")]),
  CommandSpec(
    "users purge", "delete unconfirmed accounts older than a duration",
    options: [
      .flag("unconfirmed", "purge unconfirmed accounts (required)"),
      .value("older-than", "DURATION", "created more than DURATION ago (required)"),
      .flag("dry-run", "list what would be removed; remove nothing"),
      .format(["text", "json"]),
    ]),
  CommandSpec(
    "users import", "import accounts from CSV or JSONL, all or nothing",
    arguments: [.init(name: "FILE|-", optional: false, help: "the file, or - for stdin")],
    options: [
      .format(["csv", "jsonl"]),
      .flag("skip-existing", "skip emails already present instead of failing"),
    ]),
  CommandSpec(
    "users export", "export accounts as CSV or JSONL",
    options: [
      .flag("with-password-hashes", "include password hashes"),
      .format(["csv", "jsonl"]),
    ]),
  CommandSpec(
    "mail queue", "list queued and failed messages", options: [.format(["table", "json"])]),
  CommandSpec(
    "mail flush", "deliver queued messages that are due",
    options: [.flag("all", "deliver every queued message, backoff or not")]),
  CommandSpec(
    "mail test", "send a test message and show each server reply",
    arguments: [.init(name: "ADDRESS", optional: false, help: "the recipient")]),
  CommandSpec(
    "mail show", "print a message from the local mailbox, decoded",
    options: [
      .flag("last", "the newest message (the default)"),
      .value("to", "EMAIL", "the newest message to EMAIL"),
    ]),
  CommandSpec(
    "log", "show audit events",
    options: [
      .value("user", "EMAIL", "only events of this account"),
      .value("event", "NAME", "only events of this kind"),
      .value("since", "TIME", "only events at or after TIME (ISO 8601)"),
      .flag("failed", "only failed events"),
      .format(["table", "json", "jsonl"]),
    ]),
  CommandSpec(
    "config", "print the effective settings and their source", options: [.format(["text", "json"])]),
]

/// The command groups that take a subcommand.
let commandGroups: [String: String] = [
  "users": "manage accounts",
  "mail": "the mail outbox and the local mailbox",
]

func command(named path: [String]) -> CommandSpec? { commands.first { $0.path == path } }

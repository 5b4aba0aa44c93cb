/// An option as a command declares it: a `FlagOption` or `ValueOption` with, for this command,
/// its help and the values it accepts.
struct OptionSpec: Sendable {
  let long: String
  let short: Character?
  /// The value's placeholder (`PATH`, `N`); nil for a flag.
  let value: String?
  /// The only values accepted, when the set is closed (`--format`).
  let choices: [String]
  let help: String
  /// Whether a shell completes the value with file names.
  let completesFiles: Bool

  static func flag(_ key: FlagOption, _ help: String) -> OptionSpec {
    OptionSpec(
      long: key.long, short: key.short, value: nil, choices: [], help: help, completesFiles: false)
  }

  static func value(_ key: ValueOption, choices: [String] = [], _ help: String) -> OptionSpec {
    OptionSpec(
      long: key.long, short: nil, value: key.placeholder, choices: choices, help: help,
      completesFiles: key.completion == .files)
  }

  /// `--format` with these choices, the first being the default.
  static func format(_ choices: [String]) -> OptionSpec {
    .value(
      .format, choices: choices,
      "output format: \(choices.joined(separator: ", ")) (default \(choices[0]))")
  }
}

/// A positional argument.
struct ArgumentSpec: Sendable {
  let name: String
  let optional: Bool
  let help: String
  /// The only values accepted, when the set is closed (`completion SHELL`).
  var choices: [String] = []
  /// Whether a shell completes it with file names.
  var completesFiles = false
  /// The last argument: it takes every word after it as it is, options included
  /// (`checkpassword PROG [ARG...]`).
  var rest = false
}

/// One command of the tool: its path (`users list`), what it takes, the rules between its
/// options, and the handler that runs it.
struct CommandSpec: Sendable {
  let path: [String]
  let summary: String
  let arguments: [ArgumentSpec]
  let options: [OptionSpec]
  /// Required and mutually exclusive options, checked by the parser (exit 64).
  let constraints: [OptionConstraint]
  /// Extra paragraphs for `authctl help COMMAND`.
  let details: String
  let run: @Sendable (Context) throws -> Void

  init(
    _ path: String, _ summary: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [],
    constraints: [OptionConstraint] = [], details: String = "",
    run: @escaping @Sendable (Context) throws -> Void
  ) {
    self.path = path.split(separator: " ").map(String.init)
    self.summary = summary
    self.arguments = arguments
    self.options = options
    self.constraints = constraints
    self.details = details
    self.run = run
  }

  var name: String { path.joined(separator: " ") }

  func option(named long: String) -> OptionSpec? { options.first { $0.long == long } }

  func option(_ key: some OptionKey) -> OptionSpec? { option(named: key.long) }
}

/// Options every command takes, before or after the command's name.
let globalOptions: [OptionSpec] = [
  .value(
    .db,
    "the database: a SQLite path or a postgres:// URL (env AUTHCTL_DB, default ./authctl.sqlite)"),
  .value(.envFile, "read variables from PATH (default ./.env when it exists)"),
  .value(.sessionFile, "the session token file (env AUTHCTL_SESSION_FILE)"),
  .flag(.quiet, "print no notices or warnings"),
  .flag(.verbose, "say more about what is done"),
  .flag(.help, "show help"),
]

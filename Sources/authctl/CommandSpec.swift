/// An option a command takes: `--long`, maybe `-s`, maybe a value (with its choices).
struct OptionSpec: Sendable {
  let long: String
  let short: Character?
  /// The value's placeholder (`PATH`, `N`); nil for a flag.
  let value: String?
  /// The only values accepted, when the set is closed (`--format`).
  let choices: [String]
  let help: String

  static func flag(_ long: String, short: Character? = nil, _ help: String) -> OptionSpec {
    OptionSpec(long: long, short: short, value: nil, choices: [], help: help)
  }

  static func value(
    _ long: String, _ placeholder: String, choices: [String] = [], _ help: String
  ) -> OptionSpec {
    OptionSpec(long: long, short: nil, value: placeholder, choices: choices, help: help)
  }

  /// `--format` with these choices, the first being the default.
  static func format(_ choices: [String]) -> OptionSpec {
    .value(
      "format", "FORMAT", choices: choices,
      "output format: \(choices.joined(separator: ", ")) (default \(choices[0]))")
  }
}

/// A positional argument.
struct ArgumentSpec: Sendable {
  let name: String
  let optional: Bool
  let help: String
}

/// One command of the tool: its path (`users list`), what it takes, and whether it is built.
struct CommandSpec: Sendable {
  let path: [String]
  let summary: String
  let arguments: [ArgumentSpec]
  let options: [OptionSpec]
  /// Extra paragraphs for `authctl help COMMAND`.
  let details: String

  init(
    _ path: String, _ summary: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [],
    details: String = ""
  ) {
    self.path = path.split(separator: " ").map(String.init)
    self.summary = summary
    self.arguments = arguments
    self.options = options
    self.details = details
  }

  var name: String { path.joined(separator: " ") }

  func option(named long: String) -> OptionSpec? { options.first { $0.long == long } }
}

/// Options every command takes, before or after the command's name.
let globalOptions: [OptionSpec] = [
  .value("db", "PATH", "the SQLite database (env AUTHCTL_DB, default ./authctl.sqlite)"),
  .value("env-file", "PATH", "read variables from PATH (default ./.env when it exists)"),
  .value("session-file", "PATH", "the session token file (env AUTHCTL_SESSION_FILE)"),
  .flag("quiet", short: "q", "print no notices or warnings"),
  .flag("verbose", short: "v", "say more about what is done"),
  .flag("help", short: "h", "show help"),
]

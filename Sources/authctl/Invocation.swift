/// A parsed command line.
struct Invocation {
  /// The command to run; nil for `authctl`, `authctl --help`, `authctl --version`.
  var command: CommandSpec?
  /// A command group named without its subcommand (`authctl users --help`).
  var group: String?
  /// Option values by long name; a flag maps to `[""]`.
  var options: [String: [String]] = [:]
  var arguments: [String] = []
  var help = false
  var version = false

  func flag(_ long: String) -> Bool { options[long] != nil }

  /// The last value given for `long`.
  func value(_ long: String) -> String? { options[long]?.last }

  /// `--format`, or the command's default (its first choice).
  var format: String {
    value("format") ?? command?.option(named: "format")?.choices.first ?? "text"
  }
}

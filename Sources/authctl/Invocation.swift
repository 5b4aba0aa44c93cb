/// A parsed command line.
struct Invocation {
  /// The command to run; nil for `authctl`, `authctl --help`, `authctl --version`.
  var command: CommandSpec?
  /// A command group named without its subcommand (`authctl users --help`).
  var group: String?
  /// Option values by long name; a flag maps to `[""]`. Read through `flag(_:)`/`value(_:)`.
  var options: [String: [String]] = [:]
  var arguments: [String] = []
  var help = false
  var version = false

  /// Whether the flag was given.
  func flag(_ key: FlagOption) -> Bool {
    assert(declares(key.long, value: false), undeclared(key))
    return options[key.long] != nil
  }

  /// The last value given for the option.
  func value(_ key: ValueOption) -> String? {
    assert(declares(key.long, value: true), undeclared(key))
    return options[key.long]?.last
  }

  /// The value of an option the command declares `.required`, which the parser has checked.
  func required(_ key: ValueOption) -> String {
    precondition(
      command?.constraints.contains {
        if case .required(let k, _) = $0 { k.long == key.long } else { false }
      } == true, "'\(command?.name ?? "authctl")' does not declare --\(key.long) required")
    return value(key)!
  }

  /// `--format`, or the command's default (its first choice).
  var format: String {
    value(.format) ?? command?.option(ValueOption.format)?.choices.first ?? "text"
  }

  /// Whether the global options or the command's declare `long` of this kind: a handler asking
  /// for an option its command lacks is a bug, caught by any test that runs it.
  private func declares(_ long: String, value: Bool) -> Bool {
    (globalOptions + (command?.options ?? [])).contains {
      $0.long == long && ($0.value != nil) == value
    }
  }

  private func undeclared(_ key: some OptionKey) -> String {
    "'\(command?.name ?? "authctl")' does not declare --\(key.long)"
  }
}

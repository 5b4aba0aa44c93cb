/// The shell completion scripts, generated from `commands`, `globalOptions` and
/// `commandGroups` (after swift-argument-parser's completion generators). `completions/` holds
/// their output, and a test keeps the two equal.
enum CompletionScript {
  /// The words that can start a command line, in `commands` order, then `help`.
  static var topWords: [String] {
    var words: [String] = []
    for c in commands where !words.contains(c.path[0]) { words.append(c.path[0]) }
    return words + ["help"]
  }

  /// The command groups (`users`, `mail`), in `commands` order.
  static var groups: [String] {
    topWords.filter { commandGroups[$0] != nil }
  }

  /// The commands of a group.
  static func subcommands(_ group: String) -> [CommandSpec] {
    commands.filter { $0.path.count == 2 && $0.path[0] == group }
  }

  /// What a top word does, for the shells that show it.
  static func summary(_ word: String) -> String {
    if word == "help" { return "show help for a command" }
    return commandGroups[word] ?? command(named: [word])?.summary ?? ""
  }

  /// Every (command, value option) pair, the global ones first with an empty command name.
  static var valueOptions: [(command: String, option: OptionSpec)] {
    globalOptions.filter { $0.value != nil }.map { ("", $0) }
      + commands.flatMap { c in c.options.filter { $0.value != nil }.map { (c.name, $0) } }
  }

  /// The literal words an argument takes besides files (`-` in `FILE|-`), then its choices.
  static func literals(_ argument: ArgumentSpec) -> [String] {
    argument.name.split(separator: "|").map(String.init).filter { $0 == "-" } + argument.choices
  }

  /// `text` in single quotes for sh (bash and zsh).
  static func shQuoted(_ text: String) -> String {
    "'" + text.replacing("'", with: #"'\''"#) + "'"
  }
}

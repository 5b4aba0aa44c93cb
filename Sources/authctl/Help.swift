import AuthKit

/// Help text, after swift-argument-parser's `HelpGenerator`: usage, then aligned sections.
enum Help {
  static func top() -> String {
    var out = """
      authctl \(authctlVersion) — account administration over a SQLite file, with mail over SMTP

      USAGE: authctl [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGUMENTS]

      COMMANDS:

      """
    let rows =
      commands.map { ($0.name, $0.summary) } + [("help [COMMAND]", "show help for a command")]
    out += table(rows)
    out += "\nGLOBAL OPTIONS:\n"
    out += table(globalOptions.map { (label($0), $0.help) } + [("--version", "print the version")])
    out += """

      Passwords are never taken from arguments or the environment: authctl prompts without echo,
      or reads them from stdin with --password-stdin.
      See 'authctl help COMMAND' for one command, and 'man authctl' for everything.
      Shell completion: 'authctl completion bash|zsh|fish' (see 'authctl help completion').

      """
    return out
  }

  static func group(_ name: String) -> String {
    var out =
      "authctl \(name) — \(commandGroups[name] ?? "")\n\nUSAGE: authctl \(name) COMMAND\n\nCOMMANDS:\n"
    out += table(commands.filter { $0.path.first == name }.map { ($0.name, $0.summary) })
    out += "\nSee 'authctl help \(name) COMMAND' for one command.\n"
    return out
  }

  static func command(_ c: CommandSpec) -> String {
    var usage = "authctl \(c.name)"
    if !c.options.isEmpty { usage += " [OPTIONS]" }
    for a in c.arguments { usage += a.optional ? " [\(a.name)]" : " \(a.name)" }
    var out = "authctl \(c.name) — \(c.summary)\n\nUSAGE: \(usage)\n"
    if !c.arguments.isEmpty {
      out += "\nARGUMENTS:\n" + table(c.arguments.map { ($0.name, $0.help) })
    }
    if !c.options.isEmpty {
      out += "\nOPTIONS:\n" + table(c.options.map { (label($0), help($0)) })
    }
    out += "\nGLOBAL OPTIONS:\n" + table(globalOptions.map { (label($0), $0.help) })
    if !c.details.isEmpty { out += "\n" + c.details + "\n" }
    return out
  }

  static func label(_ o: OptionSpec) -> String {
    var s = o.short.map { "-\($0), " } ?? ""
    s += "--\(o.long)"
    if let v = o.value { s += " \(v)" }
    return s
  }

  /// The option's help, with its choices when the text does not list them already.
  static func help(_ o: OptionSpec) -> String {
    let list = o.choices.joined(separator: ", ")
    return o.choices.isEmpty || o.help.contains(list) ? o.help : "\(o.help): \(list)"
  }

  static func table(_ rows: [(String, String)]) -> String {
    let width = min(30, rows.map(\.0.count).max() ?? 0)
    return rows.map { left, right in
      let pad = String(repeating: " ", count: max(0, width - left.count))
      return left.count > width
        ? "  \(left)\n  \(String(repeating: " ", count: width))  \(right)\n"
        : "  \(left)\(pad)  \(right)\n"
    }.joined()
  }
}

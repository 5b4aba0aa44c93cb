/// The hand-written parser: `authctl [GLOBAL…] COMMAND [SUBCOMMAND] [OPTION…] [ARG…]`.
///
/// Global options go before or after the command; the command's own options after its name;
/// `--` ends options; `--name=value` and `--name value` both work.
enum ArgumentParser {
  static func parse(_ tokens: [String]) throws(UsageError) -> Invocation {
    var inv = Invocation()
    let (commandIndices, helpTopic) = try locateCommand(tokens, into: &inv)
    let spec = globalOptions + (inv.command?.options ?? [])
    var endOfOptions = false
    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      defer { i += 1 }
      if commandIndices.contains(i) { continue }
      if endOfOptions || t == "-" || !t.hasPrefix("-") {
        inv.arguments.append(t)
        // Past the word before a `rest` argument, every word is an argument as it is.
        if let declared = inv.command?.arguments, declared.last?.rest == true,
          inv.arguments.count >= declared.count - 1
        {
          endOfOptions = true
        }
        continue
      }
      if t == "--" {
        endOfOptions = true
        continue
      }
      if t == "--version", inv.command == nil {
        inv.version = true
        continue
      }
      if t.hasPrefix("--") {
        let body = t.dropFirst(2)
        let name = String(body.prefix { $0 != "=" })
        let inline = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
        guard let option = spec.first(where: { $0.long == name }) else {
          throw unknownOption(t, spec: spec, command: inv.command)
        }
        try take(option, as: "--\(name)", inline: inline, tokens, &i, &inv)
      } else {
        // A cluster of short flags: -qv; the last may take a value.
        for (k, ch) in t.dropFirst().enumerated() {
          guard let option = spec.first(where: { $0.short == ch }) else {
            throw unknownOption("-\(ch)", spec: spec, command: inv.command)
          }
          let isLast = k == t.count - 2
          if option.value != nil && !isLast {
            throw UsageError("option '-\(ch)' needs a value and must end its group")
          }
          try take(option, as: "-\(ch)", inline: nil, tokens, &i, &inv)
        }
      }
    }
    if inv.flag(.help) { inv.help = true }
    if helpTopic { inv.help = true }
    if let command = inv.command, !inv.help {
      try checkArguments(inv.arguments, for: command)
      let given = Set(inv.options.keys)
      for rule in command.constraints { try rule.check(given, for: command) }
    }
    return inv
  }

  /// Finds the command's words (skipping global options' values) and returns their indices.
  private static func locateCommand(_ tokens: [String], into inv: inout Invocation)
    throws(UsageError)
    -> (Set<Int>, Bool)
  {
    var indices = Set<Int>()
    var path: [String] = []
    var helpTopic = false
    var i = 0
    while i < tokens.count {
      let t = tokens[i]
      if t == "--" { break }
      if t.hasPrefix("-") && t != "-" {
        let name = String(t.dropFirst(2).prefix { $0 != "=" })
        if t.hasPrefix("--"), !t.contains("="),
          globalOptions.contains(where: { $0.long == name && $0.value != nil })
        {
          i += 1
        }
        i += 1
        continue
      }
      if path.isEmpty && !helpTopic && t == "help" {
        helpTopic = true
        indices.insert(i)
        i += 1
        continue
      }
      if path.isEmpty {
        guard commandGroups[t] != nil || command(named: [t]) != nil else {
          throw unknownCommand(t)
        }
        path = [t]
        indices.insert(i)
        if let c = command(named: path) {
          inv.command = c
          break
        }
      } else {
        let subs = commands.filter { $0.path.count == 2 && $0.path[0] == path[0] }.map {
          $0.path[1]
        }
        guard let c = command(named: path + [t]) else {
          // `users flush`: the command of another group (or a top-level one) by that name.
          let elsewhere = commands.filter { $0.path.last == t }.map { "authctl \($0.name)" }
          if !elsewhere.isEmpty {
            throw UsageError.unknown("\(path[0]) command", t, suggesting: elsewhere)
          }
          throw UsageError.unknown("\(path[0]) command", t, candidates: subs)
        }
        inv.command = c
        indices.insert(i)
        break
      }
      i += 1
    }
    if inv.command == nil, let group = path.first {
      inv.group = group
      if !helpTopic && !tokens.contains("--help") && !tokens.contains("-h") {
        let subs = commands.filter { $0.path.first == group }.map { $0.path[1] }
        throw UsageError("'\(group)' needs a command: \(subs.joined(separator: ", ")).")
      }
    }
    return (indices, helpTopic)
  }

  private static func take(
    _ option: OptionSpec, as spelled: String, inline: String?, _ tokens: [String], _ i: inout Int,
    _ inv: inout Invocation
  ) throws(UsageError) {
    guard let placeholder = option.value else {
      if inline != nil { throw UsageError("option '\(spelled)' takes no value") }
      inv.options[option.long, default: []].append("")
      return
    }
    let value: String
    if let inline {
      value = inline
    } else {
      guard i + 1 < tokens.count else {
        throw UsageError("option '\(spelled)' needs a value \(placeholder)")
      }
      i += 1
      value = tokens[i]
    }
    if !option.choices.isEmpty && !option.choices.contains(value) {
      var text = "invalid value '\(value)' for '\(spelled)'; expected one of "
      text += option.choices.joined(separator: ", ") + "."
      if let near = UsageError.nearest(to: value, in: option.choices) {
        text += " Did you mean '\(near)'?"
      }
      throw UsageError(text)
    }
    inv.options[option.long, default: []].append(value)
  }

  /// An unknown first word: a group's subcommand typed alone (`purge`) is answered with its
  /// full spelling, then the nearest top-level command, then the nearest subcommand.
  private static func unknownCommand(_ given: String) -> UsageError {
    let leaves = commands.filter { $0.path.count == 2 }
    func spelled(_ leaf: String) -> [String] {
      leaves.filter { $0.path[1] == leaf }.map { "authctl \($0.name)" }
    }
    let exact = spelled(given)
    if !exact.isEmpty { return UsageError.unknown("command", given, suggesting: exact) }
    let names = Array(Set(commands.map { $0.path[0] } + ["help"])).sorted()
    if UsageError.nearest(to: given, in: names) != nil {
      return UsageError.unknown("command", given, candidates: names)
    }
    let leafNames = Array(Set(leaves.map { $0.path[1] })).sorted()
    let near = UsageError.nearest(to: given, in: leafNames).map(spelled) ?? []
    return UsageError.unknown("command", given, suggesting: near)
  }

  private static func unknownOption(_ given: String, spec: [OptionSpec], command: CommandSpec?)
    -> UsageError
  {
    // Name the command, so `--status` given to the wrong command is clear.
    // `--version` is taken only without a command, so it is a candidate only there.
    let names = spec.map(\.long) + (command == nil ? ["version"] : [])
    return UsageError.unknown(
      "option", given, candidates: names, prefix: "--",
      context: command.map { " for '\($0.name)'" } ?? "")
  }

  private static func checkArguments(_ args: [String], for command: CommandSpec) throws(UsageError)
  {
    let required = command.arguments.filter { !$0.optional }
    if args.count < required.count {
      throw UsageError("'\(command.name)' needs \(required[args.count].name).")
    }
    if args.count > command.arguments.count && command.arguments.last?.rest != true {
      throw UsageError(
        "unexpected argument '\(args[command.arguments.count])' for '\(command.name)'.")
    }
    for (arg, spec) in zip(args, command.arguments) where !spec.choices.isEmpty {
      guard spec.choices.contains(arg) else {
        var text = "invalid value '\(arg)' for \(spec.name); expected one of "
        text += spec.choices.joined(separator: ", ") + "."
        if let near = UsageError.nearest(to: arg, in: spec.choices) {
          text += " Did you mean '\(near)'?"
        }
        throw UsageError(text)
      }
    }
  }
}

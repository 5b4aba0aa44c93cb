import AuthKit
import Foundation
import TestSupport
import Testing

/// The man page against the parser: lint clean, a subsection per command with each of its options
/// and values, every variable of `authctl config` in ENVIRONMENT with its default, the exit
/// statuses and the examples the issue asks for. Also keeps docs/README-sections.md's tables in
/// step with SettingSpec.
@Suite struct ManPageTests {
  static let page = packageRoot.appendingPathComponent("man/authctl.1").path

  static func source() throws -> String { try String(contentsOfFile: page, encoding: .utf8) }

  @Test(.enabled(if: which("mandoc") != nil, "mandoc is not installed (apt-get install mandoc)"))
  func lintClean() throws {
    let r = try run(which("mandoc")!, ["-Tlint", "-Wwarning", Self.page])
    #expect(r.status == 0, "mandoc exit \(r.status)")
    #expect(r.stdout.isEmpty && r.stderr.isEmpty, "mandoc -Tlint -Wwarning:\n\(r.allOutput)")
  }

  @Test func everyCommandHasASubsectionWithItsOptions() throws {
    let cli = try CLICatalogue.load()
    let sections = Man.subsections(try Self.source())
    for command in cli.commands {
      let body = sections.first { title, _ in
        title == "authctl \(command.name)" || title.hasPrefix("authctl \(command.name) ")
      }?.body
      guard let body else {
        Issue.record("no '.Ss authctl \(command.name)' subsection in man/authctl.1")
        continue
      }
      for option in command.options {
        #expect(Man.mentions(body, option), "man: '\(command.name)' lacks --\(option.long)")
        if let placeholder = option.placeholder {
          #expect(body.contains("Ar \(placeholder)"), "man: '\(command.name)' lacks \(placeholder)")
        }
        for choice in option.choices {
          #expect(
            body.contains("Cm \(choice)") || body.contains(", \(choice)"),
            "man: '\(command.name) --\(option.long)' lacks the value \(choice)")
        }
      }
    }
  }

  @Test func everyGlobalOptionIsDescribed() throws {
    let cli = try CLICatalogue.load()
    let source = try Self.source()
    let globals = Man.subsections(source).first { $0.title == "Global options" }?.body ?? ""
    #expect(!globals.isEmpty, "no '.Ss Global options' subsection")
    for option in cli.globals {
      #expect(Man.mentions(globals, option), "man: global options lack --\(option.long)")
      if let short = option.short {
        #expect(globals.contains("Fl \(short)"), "man: global options lack -\(short)")
      }
    }
  }

  @Test func environmentListsEveryVariableWithItsDefault() throws {
    let dir = try TempDir()
    let r = try authctl(["--db", dir.file("x.sqlite"), "config", "--format", "json"])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try JSONSerialization.jsonObject(with: r.stdoutData) as? [[String: Any]] ?? []
    let names = rows.compactMap { $0["name"] as? String }
    #expect(names.count >= 20, "authctl config listed \(names.count) variables")
    #expect(names == SettingSpec.all.map(\.name), "authctl config and SettingSpec differ")
    let environment = Man.section("ENVIRONMENT", of: try Self.source())
    let items = Man.items(environment)
    for name in names {
      guard let item = items["Ev \(name)"] else {
        Issue.record("man: ENVIRONMENT lacks \(name)")
        continue
      }
      #expect(item.contains("Default"), "man: \(name) has no default stated")
      if let value = SettingSpec.all.first(where: { $0.name == name })?.defaultValue {
        #expect(item.contains(value), "man: \(name) does not give its default \(value)")
      }
    }
  }

  @Test func filesExitStatusExamplesSecurity() throws {
    let source = try Self.source()
    for heading in [
      "NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES",
      "SECURITY", "SEE ALSO",
    ] {
      #expect(source.contains("\n.Sh \(heading)\n"), "man: no section \(heading)")
    }
    let files = Man.section("FILES", of: source)
    for path in ["./authctl.sqlite", ".mbox", "$XDG_STATE_HOME/authctl/session", "~/.local/state"] {
      #expect(files.contains(path), "man: FILES lacks \(path)")
    }
    let statuses = Man.items(Man.section("EXIT STATUS", of: source)).keys
    for status in ["0", "64", "65", "66", "67", "69", "70", "73", "74", "75", "77", "78"] {
      #expect(statuses.contains(status), "man: EXIT STATUS lacks \(status)")
    }
    let examples = Man.section("EXAMPLES", of: source)
    for line in [
      "authctl migrate", "authctl register you@example.com", "authctl mail show --last",
      "authctl confirm '<link>'", "authctl login you@example.com",
      "users purge --unconfirmed --older-than 7d", "mail flush", "authctl users import",
      "--db identifier.sqlite migrate", "AUTHCTL_TOKEN_ISSUER=DarkEngine", "JWT_SECRET",
    ] {
      #expect(examples.contains(line), "man: EXAMPLES lacks \(line)")
    }
    let security = Man.section("SECURITY", of: source)
    for fact in [
      "Fl -password-stdin", "0600", "single-", "cost 12", "10 consecutive", "15 minutes",
      "6 digits", "10 minutes", "5 attempts", "20 mails",
    ] {
      #expect(security.contains(fact), "man: SECURITY lacks \(fact)")
    }
  }

  /// The other way: the page names no command and no option the parser lacks — in its
  /// subsection titles, its `Fl` and `Nm Cm` macros, and its command lines — and a command's
  /// subsection names only that command's options and the global ones.
  @Test func namesNothingTheParserLacks() throws {
    let cli = try CLICatalogue.load()
    let source = try Self.source()
    let globals = Set(cli.globals.map(\.long))
    let every = globals.union(cli.commands.flatMap(\.options).map(\.long))
    let names = Set(cli.commands.map(\.name))
    let shorts = Set(cli.globals.compactMap(\.short))
    // Every flag anywhere.
    for m in source.matches(of: #/Fl (-?)([A-Za-z0-9][A-Za-z0-9-]*)/#) {
      let (dash, name) = (m.1, String(m.2))
      if dash.isEmpty {
        #expect(shorts.contains(name), "man: -\(name) is no option of authctl")
      } else {
        #expect(every.contains(name), "man: --\(name) is no option of authctl")
      }
    }
    // Subsection titles, and the options each command's subsection names.
    for (title, body) in Man.subsections(source) where title.hasPrefix("authctl ") {
      let words = title.dropFirst(8).split(separator: " ").map(String.init)
      let name = Man.commandPath(words, in: names)
      guard let name, let command = cli.commands.first(where: { $0.name == name }) else {
        Issue.record("man: '.Ss \(title)' names no command of authctl")
        continue
      }
      let own = globals.union(command.options.map(\.long))
      for m in (title + "\n" + body).matches(of: #/Fl -([a-z0-9][a-z0-9-]*)/#) {
        #expect(own.contains(String(m.1)), "man: '\(name)' has no option --\(m.1)")
      }
    }
    // `.Nm Cm users import`: a command or a group.
    let groups = Set(
      names.compactMap { $0.split(separator: " ").count == 2 ? $0.split(separator: " ")[0] : nil }
        .map(String.init))
    for m in source.matches(of: #/\.Nm Cm ([a-z -]+)/#) {
      let words = m.1.split(separator: " ").map(String.init)
      #expect(
        Man.commandPath(words, in: names) != nil || (words.count == 1 && groups.contains(words[0])),
        "man: '.Nm Cm \(m.1)' names no command")
    }
    // Command lines: `.Ql authctl …`, `$ authctl …`, `authctl …` in displays, `| authctl …`.
    for line in source.split(separator: "\n").map(String.init) {
      for start in ["authctl ", ".Ql authctl ", "$ authctl "] where line.hasPrefix(start) {
        Man.checkCommandLine(String(line.dropFirst(start.count)), cli, names, line)
      }
      if let r = line.range(of: "| authctl ") {
        Man.checkCommandLine(String(line[r.upperBound...]), cli, names, line)
      }
    }
  }

  /// docs/README-sections.md holds the configuration table generated from SettingSpec;
  /// `AUTHCTL_REGENERATE_DOCS=1 swift test --filter ManPageTests` rewrites it.
  @Test func readmeSectionsConfigurationTableMatchesSettingSpec() throws {
    let path = packageRoot.appendingPathComponent("docs/README-sections.md").path
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let begin = "<!-- configuration table: generated from SettingSpec.all -->\n"
    let end = "<!-- end of configuration table -->"
    let expected = Self.configurationTable()
    guard let from = text.range(of: begin), let to = text.range(of: end) else {
      Issue.record("docs/README-sections.md lacks the configuration table markers")
      return
    }
    let current = String(text[from.upperBound..<to.lowerBound])
    if current != expected, ProcessInfo.processInfo.environment["AUTHCTL_REGENERATE_DOCS"] == "1" {
      text.replaceSubrange(from.upperBound..<to.lowerBound, with: expected)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return
    }
    #expect(
      current == expected,
      "docs/README-sections.md is stale; run AUTHCTL_REGENERATE_DOCS=1 swift test --filter ManPageTests"
    )
  }

  static func configurationTable() -> String {
    var out = "| variable | default | meaning |\n| --- | --- | --- |\n"
    for s in SettingSpec.all {
      let value = s.defaultValue.map { "`\($0)`" } ?? "unset"
      let meaning = s.summary.replacingOccurrences(of: "|", with: "\\|")
      out += "| `\(s.name)` | \(value) | \(meaning) |\n"
    }
    return out
  }
}

/// The package's root folder, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The full path of `program` on PATH, or nil.
func which(_ program: String) -> String? {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for dir in path.split(separator: ":") {
    let candidate = "\(dir)/\(program)"
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
  }
  return nil
}

/// A little reading of mdoc source.
enum Man {
  /// The lines of section `name` (`.Sh name` up to the next `.Sh`).
  static func section(_ name: String, of source: String) -> String {
    guard let start = source.range(of: "\n.Sh \(name)\n") else { return "" }
    let rest = source[start.upperBound...]
    let end = rest.range(of: "\n.Sh ")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
  }

  /// Every `.Ss` subsection: its title with mdoc macros removed, and its body.
  static func subsections(_ source: String) -> [(title: String, body: String)] {
    var out: [(title: String, body: String)] = []
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix(".Ss ") {
        let words = line.dropFirst(4).split(separator: " ").filter {
          !["Oo", "Oc", "Op", "Ar", "Fl", "Cm", "|"].contains($0)
        }
        out.append((words.joined(separator: " "), ""))
      } else if line.hasPrefix(".Sh ") {
        out.append(("", ""))
      } else if !out.isEmpty {
        out[out.count - 1].body += line + "\n"
      }
    }
    return out
  }

  /// The longest declared command at the start of `words` (`users list`, `register`).
  static func commandPath(_ words: [String], in names: Set<String>) -> String? {
    if words.count >= 2, names.contains("\(words[0]) \(words[1])") {
      return "\(words[0]) \(words[1])"
    }
    return words.first.flatMap { names.contains($0) ? $0 : nil }
  }

  /// Checks one command line of the page (the words after `authctl`): its command is declared
  /// and each `--option` is the command's or a global one.
  static func checkCommandLine(
    _ text: String, _ cli: CLICatalogue, _ names: Set<String>, _ line: String
  ) {
    let globals = Set(cli.globals.map(\.long))
    let valued = Set(cli.globals.filter { $0.placeholder != nil }.map(\.long))
    var words: [String] = []
    var options: [String] = []
    var tokens = text.split(separator: " ").map(String.init)[...]
    while let t = tokens.popFirst() {
      if ["|", "||", "&&", ";", "<", ">", "2>"].contains(t) || t.hasPrefix(">") { break }
      if t.hasPrefix("--") {
        let name = String(t.dropFirst(2).prefix { $0 != "=" })
        options.append(name)
        if words.isEmpty, valued.contains(name), !t.contains("=") { _ = tokens.popFirst() }
      } else if !t.hasPrefix("-") || t == "-" {
        words.append(t)
      }
    }
    guard let first = words.first, first != "help" else { return }
    guard let name = commandPath(words, in: names),
      let command = cli.commands.first(where: { $0.name == name })
    else {
      Issue.record("man: '\(line)' runs no command of authctl")
      return
    }
    let own = globals.union(command.options.map(\.long))
    for o in options where !own.contains(o) {
      Issue.record("man: '\(line)': '\(name)' has no option --\(o)")
    }
  }

  /// The `.It` items of a list: the item's head (`Ev NAME`, `64`) and its text.
  static func items(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    var current: String?
    for line in text.split(separator: "\n") {
      if line.hasPrefix(".It ") {
        current = String(line.dropFirst(4))
        out[current!] = ""
      } else if let c = current {
        out[c, default: ""] += line + "\n"
      }
    }
    return out
  }

  /// Whether `text` names the option as mdoc writes it: `Fl -long` (then a space, an end of line
  /// or punctuation).
  static func mentions(_ text: String, _ option: CLIOption) -> Bool {
    let needle = "Fl -\(option.long)"
    var search = text[...]
    while let r = search.range(of: needle) {
      let next = search[r.upperBound...].first
      if next == nil || !(next!.isLetter || next!.isNumber || next! == "-") { return true }
      search = search[r.upperBound...]
    }
    return false
  }
}

/// An option as the binary's help shows it.
struct CLIOption: Sendable, Equatable {
  let long: String
  let short: String?
  let placeholder: String?
  let choices: [String]
}

/// A command as the binary's help shows it.
struct CLICommand: Sendable {
  let name: String
  let options: [CLIOption]
}

/// What the parser knows, read from the built binary's own help: `authctl --help` for the
/// commands and global options, `authctl help COMMAND` for each command's options.
struct CLICatalogue: Sendable {
  let commands: [CLICommand]
  let globals: [CLIOption]

  /// Every word that can stand in a command's place: `register`, `users`, `list`, `help`…
  var commandWords: Set<String> {
    Set(commands.flatMap { $0.name.split(separator: " ") }.map(String.init))
  }

  static func load() throws -> CLICatalogue { try cached.get() }

  private static let cached: Result<CLICatalogue, any Error> = Result { try read() }

  private static func read() throws -> CLICatalogue {
    let top = try authctl(["--help"])
    guard top.status == 0 else { throw CatalogueError.help("--help", top.stderr) }
    var commands: [CLICommand] = []
    for line in lines(of: "COMMANDS:", in: top.stdout) {
      let name = String(line.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")[0])
      if name.hasPrefix("help") {
        commands.append(CLICommand(name: "help", options: []))
        continue
      }
      let r = try authctl(["help"] + name.split(separator: " ").map(String.init))
      guard r.status == 0 else { throw CatalogueError.help(name, r.stderr) }
      commands.append(
        CLICommand(name: name, options: lines(of: "OPTIONS:", in: r.stdout).compactMap(option)))
    }
    let globals = lines(of: "GLOBAL OPTIONS:", in: top.stdout).compactMap(option)
    guard commands.count >= 20, globals.count >= 5 else {
      throw CatalogueError.help(
        "--help", "only \(commands.count) commands, \(globals.count) options")
    }
    return CLICatalogue(commands: commands, globals: globals)
  }

  enum CatalogueError: Error { case help(String, String) }

  /// The indented lines under `heading`, up to the next blank line.
  static func lines(of heading: String, in text: String) -> [String] {
    let all = text.components(separatedBy: "\n")
    guard let start = all.firstIndex(of: heading) else { return [] }
    return Array(all[(start + 1)...].prefix { $0.hasPrefix("  ") })
  }

  /// `  -q, --quiet  help` or `  --format FORMAT  output format: a, b (default a)`.
  static func option(_ line: String) -> CLIOption? {
    let pattern = #/^\s+(?:-(\w), )?--([a-z0-9-]+)(?: ([A-Z|]+))?(?:\s{2,}(.*))?$/#
    guard let m = line.wholeMatch(of: pattern) else { return nil }
    var choices: [String] = []
    if m.3 != nil, let help = m.4,
      let c = help.firstMatch(of: #/: ([a-z0-9-]+(?:, [a-z0-9-]+)+)(?: \(default [a-z0-9-]+\))?$/#)
    {
      choices = c.1.components(separatedBy: ", ")
    }
    return CLIOption(
      long: String(m.2), short: m.1.map(String.init), placeholder: m.3.map(String.init),
      choices: choices)
  }
}

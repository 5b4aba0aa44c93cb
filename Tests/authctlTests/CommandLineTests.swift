import Foundation
import TestSupport
import Testing

/// Every parser error path through the built binary: status 64, one line naming the problem.
@Suite struct CommandLineTests {
  func expectUsage(
    _ args: [String], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let r = try authctl(args)
    #expect(r.status == 64, "\(args): \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stdout.isEmpty, sourceLocation: sourceLocation)
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one line: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("authctl: "), sourceLocation: sourceLocation)
    #expect(
      r.stderr.contains(fragment), "\(r.stderr) lacks \(fragment)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains("See 'authctl --help'"), sourceLocation: sourceLocation)
  }

  @Test func unknownCommandSuggests() throws {
    try expectUsage(["regster", "a@b.c"], "unknown command 'regster'. Did you mean 'register'?")
    try expectUsage(["frobnicate"], "unknown command 'frobnicate'.")
    try expectUsage(["users", "lsit"], "unknown users command 'lsit'. Did you mean 'list'?")
    try expectUsage(["mail", "flsh"], "Did you mean 'flush'?")
  }

  /// Suggestions count a transposition as one edit (Damerau–Levenshtein, issue 17): plain
  /// Levenshtein answered `confrim` with 'config' and `loign` with 'log'.
  @Test func transpositionIsOneEdit() throws {
    try expectUsage(["confrim", "tok"], "unknown command 'confrim'. Did you mean 'confirm'?")
    try expectUsage(["loign", "a@b.c"], "unknown command 'loign'. Did you mean 'login'?")
    try expectUsage(["users", "lsit"], "unknown users command 'lsit'. Did you mean 'list'?")
    try expectUsage(["mail", "fulsh"], "unknown mail command 'fulsh'. Did you mean 'flush'?")
    try expectUsage(
      ["users", "list", "--foramt", "json"],
      "unknown option '--foramt' for 'users list'. Did you mean '--format'?")
  }

  /// Every group's subcommand typed at the top level is answered with its full spelling; a
  /// word that is also a top-level command (`confirm`) is that command.
  @Test func subcommandAtTopLevelSuggestsItsGroup() throws {
    let cli = try CLICatalogue.load()
    let top = Set(cli.commands.map(\.name).filter { !$0.contains(" ") })
    let leaves = cli.commands.map(\.name).filter { $0.contains(" ") }
    #expect(leaves.count >= 15)
    for leaf in Set(leaves.map { String($0.split(separator: " ")[1]) }) where !top.contains(leaf) {
      let r = try authctl([leaf, "--format", "json"])
      #expect(r.status == 64, "\(leaf): \(r.stderr)")
      #expect(r.stderr.hasPrefix("authctl: unknown command '\(leaf)'. Did you mean 'authctl "))
      #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
      for name in leaves where name.hasSuffix(" \(leaf)") {
        #expect(r.stderr.contains("'authctl \(name)'"), "\(leaf): \(r.stderr)")
      }
    }
    try expectUsage(["purge"], "unknown command 'purge'. Did you mean 'authctl users purge'?")
    try expectUsage(
      ["show", "a@b.c"], "Did you mean 'authctl users show' or 'authctl mail show'?")
    // A near miss of a subcommand, and a subcommand given to the wrong group.
    try expectUsage(["pugre"], "unknown command 'pugre'. Did you mean 'authctl users purge'?")
    try expectUsage(
      ["users", "flush"],
      "unknown users command 'flush'. Did you mean 'authctl mail flush' or 'authctl outbox flush' or 'authctl hooks flush'?"
    )
    try expectUsage(
      ["mail", "purge"], "unknown mail command 'purge'. Did you mean 'authctl users purge'?")
  }

  /// Global options are suggested too, `--version` only where it is taken (no command).
  @Test func unknownGlobalOptionSuggests() throws {
    try expectUsage(["--versoin"], "unknown option '--versoin'. Did you mean '--version'?")
    try expectUsage(["--verbsoe"], "unknown option '--verbsoe'. Did you mean '--verbose'?")
    try expectUsage(["--qieut", "migrate"], "Did you mean '--quiet'?")
    try expectUsage(
      ["users", "list", "--verbsoe"],
      "unknown option '--verbsoe' for 'users list'. Did you mean '--verbose'?")
    try expectUsage(
      ["users", "list", "--sesion-file", "s"],
      "unknown option '--sesion-file' for 'users list'. Did you mean '--session-file'?")
    let r = try authctl(["users", "list", "--versoin"])
    #expect(r.status == 64 && !r.stderr.contains("Did you mean"), "\(r.stderr)")
  }

  @Test func unknownOptionSuggests() throws {
    try expectUsage(
      ["users", "list", "--fromat", "json"],
      "unknown option '--fromat' for 'users list'. Did you mean '--format'?")
    try expectUsage(
      ["--qiet", "migrate"], "unknown option '--qiet' for 'migrate'. Did you mean '--quiet'?")
    try expectUsage(["migrate", "-x"], "unknown option '-x' for 'migrate'.")
    // An option of another command is unknown here.
    try expectUsage(["migrate", "--format", "json"], "unknown option '--format' for 'migrate'.")
  }

  @Test func valueProblems() throws {
    try expectUsage(["users", "list", "--format"], "option '--format' needs a value FORMAT")
    try expectUsage(["--db"], "option '--db' needs a value PATH")
    try expectUsage(["migrate", "--status=yes"], "option '--status' takes no value")
    try expectUsage(
      ["users", "list", "--format", "jsn"],
      "invalid value 'jsn' for '--format'; expected one of table, json, jsonl, csv. Did you mean 'json'?"
    )
    try expectUsage(["users", "list", "--status", "gone"], "invalid value 'gone' for '--status'")
    try expectUsage(["users", "list", "--limit", "-3"], "invalid value '-3' for '--limit'")
    try expectUsage(["users", "list", "--older-than", "3 days"], "invalid duration '3 days'")
    try expectUsage(["users", "list", "--created-before", "yesterday"], "invalid time 'yesterday'")
  }

  @Test func argumentCounts() throws {
    try expectUsage(["register"], "'register' needs EMAIL.")
    try expectUsage(["migrate", "extra"], "unexpected argument 'extra' for 'migrate'.")
    try expectUsage(["users"], "'users' needs a command: list, show")
  }

  /// Required and mutually exclusive options are declared with the command and checked by the
  /// parser, before the command opens anything.
  @Test func declaredRules() throws {
    let dir = try TempDir()
    let db = ["--db", dir.file("none.sqlite")]
    try expectUsage(
      db + ["users", "purge", "--older-than", "7d"],
      "'users purge' needs --unconfirmed (only unconfirmed accounts are purged).")
    try expectUsage(
      db + ["users", "purge", "--unconfirmed"], "'users purge' needs --older-than DURATION")
    try expectUsage(
      db + ["users", "set-password", "a@example.com"],
      "'users set-password' needs exactly one of --password-stdin and --generate.")
    try expectUsage(
      db + ["users", "set-password", "a@example.com", "--generate", "--password-stdin"],
      "'users set-password' needs exactly one of --password-stdin and --generate.")
    try expectUsage(
      db + ["passwd", "--request", "--code", "123456", "--password-stdin"],
      "'passwd' takes only one of --request and --code CODE.")
    try expectUsage(
      db + ["passwd", "--request"], "'passwd --request' needs --password-stdin")
    try expectUsage(db + ["passwd", "--code", "123456"], "'passwd --code' needs --password-stdin")
    try expectUsage(
      db + ["passwd", "--password-stdin"],
      "'passwd --password-stdin' needs --request or --code CODE.")
    // Nothing was created on the way.
    #expect(!FileManager.default.fileExists(atPath: dir.file("none.sqlite")))
  }

  @Test func helpEverywhere() throws {
    for args in [["--help"], ["-h"], ["help"], []] {
      let r = try authctl(args)
      #expect(r.status == 0)
      #expect(r.stdout.contains("USAGE: authctl"))
      for name in [
        "register", "confirm", "recover", "reset", "login", "whoami", "logout", "passwd",
        "migrate", "users list", "users show", "users confirm", "users disable", "users enable",
        "users unlock", "users delete", "users purge", "users import", "users export",
        "mail queue", "mail flush", "mail test", "mail show", "log", "config",
      ] {
        #expect(r.stdout.contains("  \(name) "), "help lists \(name)")
      }
    }
    for args in [
      ["help", "users", "list"], ["users", "list", "--help"], ["--help", "users", "list"],
    ] {
      let r = try authctl(args)
      #expect(r.status == 0, "\(args)")
      #expect(r.stdout.contains("USAGE: authctl users list"), "\(args): \(r.stdout)")
      #expect(r.stdout.contains("--older-than DURATION"))
    }
    let group = try authctl(["users", "--help"])
    #expect(group.status == 0)
    #expect(group.stdout.contains("users purge"))
    try expectUsage(["help", "nothing"], "unknown command 'nothing'.")
  }

  @Test func versionAndGlobalsAnywhere() throws {
    let v = try authctl(["--version"])
    #expect(v.status == 0)
    #expect(v.stdout.hasPrefix("authctl 0."))
    let dir = try TempDir()
    let db = dir.file("x.sqlite")
    // --db before and after the command; -q anywhere; `--` ends options.
    #expect(try authctl(["--db", db, "-q", "migrate"]).status == 0)
    let after = try authctl(["migrate", "--status", "--db=\(db)"])
    #expect(after.status == 0)
    #expect(after.stdout.contains("applied  1"))
    let dashed = try authctl(["--db", db, "users", "show", "--", "--not-an-option"])
    #expect(!dashed.stderr.contains("unknown option"))
  }
}

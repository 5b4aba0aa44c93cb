import Foundation
import TestSupport
import Testing

/// The three completion files against the parser (the built binary's help) and in the real
/// shells: bash through its completion function with COMP_WORDS/COMP_CWORD, fish through
/// `complete -C`, zsh parsed with `zsh -n` and driven through a pseudo-terminal (zpty).
@Suite(.tags(.slow)) struct CompletionTests {
  static let folder = packageRoot.appendingPathComponent("completions")
  static func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

  // MARK: drift: every command and option the parser knows is in each file

  @Test(arguments: ["authctl.bash", "_authctl", "authctl.fish"])
  func everyCommandAndOptionIsInTheFile(_ name: String) throws {
    let cli = try CLICatalogue.load()
    let text = try String(contentsOfFile: Self.file(name), encoding: .utf8)
    let fish = name.hasSuffix(".fish")
    for word in cli.commandWords {
      #expect(containsWord(text, word), "\(name) lacks the command \(word)")
    }
    for option in cli.globals + cli.commands.flatMap(\.options) {
      let long = fish ? "-l \(option.long)" : "--\(option.long)"
      #expect(containsWord(text, long), "\(name) lacks --\(option.long)")
      if let short = option.short {
        let s = fish ? "-s \(short)" : "-\(short)"
        #expect(containsWord(text, s), "\(name) lacks -\(short)")
      }
      if !option.choices.isEmpty {
        let values = option.choices.joined(separator: " ")
        #expect(text.contains(values), "\(name) lacks the values \(values) of --\(option.long)")
      }
    }
  }

  /// The files are exactly what `authctl completion SHELL` prints;
  /// `AUTHCTL_REGENERATE_COMPLETIONS=1 swift test --filter CompletionTests` rewrites them.
  @Test(arguments: [("bash", "authctl.bash"), ("zsh", "_authctl"), ("fish", "authctl.fish")])
  func fileIsTheGeneratedScript(_ shell: String, _ name: String) throws {
    let r = try authctl(["completion", shell])
    #expect(r.status == 0 && r.stderr.isEmpty, "authctl completion \(shell): \(r.stderr)")
    let text = try String(contentsOfFile: Self.file(name), encoding: .utf8)
    if text != r.stdout,
      ProcessInfo.processInfo.environment["AUTHCTL_REGENERATE_COMPLETIONS"] == "1"
    {
      try r.stdout.write(toFile: Self.file(name), atomically: true, encoding: .utf8)
      return
    }
    #expect(
      text == r.stdout,
      "completions/\(name) differs from 'authctl completion \(shell)'; run AUTHCTL_REGENERATE_COMPLETIONS=1 swift test --filter CompletionTests"
    )
  }

  @Test func completionNeedsAKnownShell() throws {
    for args in [["completion"], ["completion", "tcsh"], ["completion", "bash", "zsh"]] {
      let r = try authctl(args)
      #expect(r.status == 64, "\(args): \(r.stderr)")
      #expect(r.stdout.isEmpty && r.stderr.hasPrefix("authctl: "), "\(args): \(r.stderr)")
    }
    let r = try authctl(["completion", "bsh"])
    #expect(
      r.stderr.contains("expected one of bash, zsh, fish. Did you mean 'bash'?"), "\(r.stderr)")
  }

  @Test func bashRegistersItsFunction() throws {
    let text = try String(contentsOfFile: Self.file("authctl.bash"), encoding: .utf8)
    #expect(text.contains("complete -F _authctl authctl"))
    let zsh = try String(contentsOfFile: Self.file("_authctl"), encoding: .utf8)
    #expect(zsh.hasPrefix("#compdef authctl\n"))
  }

  // MARK: behaviour in the real shells

  @Test(.enabled(if: which("bash") != nil, "bash is not installed"))
  func bash() throws {
    try Self.check(shell: "bash") { queries, work in try Self.bash(queries, in: work) }
  }

  @Test(.enabled(if: which("fish") != nil, "fish is not installed (apt-get install fish)"))
  func fish() throws {
    try Self.check(shell: "fish") { queries, work in try Self.fish(queries, in: work) }
  }

  @Test(.enabled(if: which("zsh") != nil, "zsh is not installed (apt-get install zsh)"))
  func zshParses() throws {
    let r = try run(which("zsh")!, ["-n", Self.file("_authctl")])
    #expect(r.status == 0 && r.allOutput.isEmpty, "zsh -n _authctl:\n\(r.allOutput)")
  }

  @Test(.enabled(if: which("zsh") != nil, "zsh is not installed (apt-get install zsh)"))
  func zshThroughZpty() throws {
    try Self.check(shell: "zsh") { queries, work in try Self.zsh(queries, in: work) }
  }

  /// One completion request: the words after `authctl`, the last being the one completed, and
  /// what the answer must be (exactly, or at least).
  struct Query {
    let words: [String]
    let expected: Set<String>
    let exact: Bool
  }

  /// The requests every shell must answer alike, built from what the parser knows.
  static func queries(_ cli: CLICatalogue) -> [Query] {
    let files: Set<String> = ["a.sqlite", "b.csv"]
    let top = Set(cli.commands.map { String($0.name.split(separator: " ")[0]) })
    func subcommands(_ group: String) -> Set<String> {
      Set(
        cli.commands.filter { $0.name.hasPrefix("\(group) ") }.map {
          $0.name.split(separator: " ")[1]
        }.map(String.init))
    }
    var out: [Query] = [
      Query(words: ["us"], expected: ["users"], exact: true),
      Query(words: [""], expected: top, exact: true),
      Query(words: ["users", ""], expected: subcommands("users"), exact: true),
      Query(words: ["mail", ""], expected: subcommands("mail"), exact: true),
      Query(words: ["--db", ""], expected: files, exact: false),
      Query(words: ["--env-file", ""], expected: files, exact: false),
      Query(words: ["--session-file", ""], expected: files, exact: false),
      Query(words: ["users", "import", ""], expected: files, exact: false),
      // Global options anywhere: after the command, and before it with a value.
      Query(words: ["users", "list", "--db", ""], expected: files, exact: false),
      Query(
        words: ["-q", "--db", "x.sqlite", "users", ""], expected: subcommands("users"), exact: true),
      Query(
        words: ["--db", "x.sqlite", "users", "list", "--format", ""],
        expected: ["table", "json", "jsonl", "csv"], exact: true),
      Query(
        words: ["users", "list", "--status", ""],
        expected: [
          "unconfirmed", "active", "disabled", "locked", "expired", "not-yet-valid", "must-reset",
        ], exact: true),
    ]
    let globals = Set(cli.globals.map { "--\($0.long)" }).subtracting(["--version"])
    // migrate's --status is a flag: options follow it.
    out.append(Query(words: ["migrate", "--status", "--"], expected: globals, exact: false))
    for command in cli.commands where command.name != "help" {
      let path = command.name.split(separator: " ").map(String.init)
      out.append(
        Query(
          words: path + ["--"], expected: globals.union(command.options.map { "--\($0.long)" }),
          exact: false))
      for option in command.options where !option.choices.isEmpty {
        out.append(
          Query(words: path + ["--\(option.long)", ""], expected: Set(option.choices), exact: true))
      }
    }
    return out
  }

  /// Runs every query through `complete` in a folder holding `a.sqlite` and `b.csv`, and checks.
  static func check(shell: String, _ complete: ([[String]], URL) throws -> [Set<String>]) throws {
    let cli = try CLICatalogue.load()
    let work = try TempDir("completion")
    for f in ["a.sqlite", "b.csv"] { try Data().write(to: URL(fileURLWithPath: work.file(f))) }
    let queries = queries(cli)
    let answers = try complete(queries.map(\.words), work.url)
    try #require(
      answers.count == queries.count, "\(shell) answered \(answers.count) of \(queries.count)")
    for (q, got) in zip(queries, answers) {
      let line = "authctl " + q.words.joined(separator: " ")
      if q.exact {
        #expect(
          got == q.expected,
          "\(shell): '\(line)' → \(got.sorted()), expected \(q.expected.sorted())")
      } else {
        let missing = q.expected.subtracting(got)
        #expect(
          missing.isEmpty, "\(shell): '\(line)' lacks \(missing.sorted()); got \(got.sorted())")
      }
    }
  }

  static func quoted(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }

  /// Answers, in order, from the lines `R:word word…` of a shell's output.
  static func answers(_ r: RunResult, shell: String) throws -> [Set<String>] {
    try #require(r.status == 0, "\(shell) exit \(r.status): \(r.stderr)")
    return r.stdout.split(separator: "\n").filter { $0.hasPrefix("R:") }.map {
      Set($0.dropFirst(2).split(separator: " ").map(String.init))
    }
  }

  static func bash(_ queries: [[String]], in work: URL) throws -> [Set<String>] {
    var script = """
      [ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
      . \(quoted(file("authctl.bash")))
      q() {
        COMP_WORDS=(authctl "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
        _authctl authctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        local IFS=' '; echo "R:${COMPREPLY[*]}"
      }
      complete -p authctl

      """
    for words in queries { script += "q " + words.map(quoted).joined(separator: " ") + "\n" }
    let r = try run(
      which("bash")!, ["-c", script], environment: ["HOME": work.path], directory: work)
    #expect(r.stdout.contains("complete -F _authctl authctl"), "bash: \(r.stdout.prefix(200))")
    return try answers(r, shell: "bash")
  }

  static func fish(_ queries: [[String]], in work: URL) throws -> [Set<String>] {
    let script = """
      source \(quoted(file("authctl.fish")))
      for q in $argv
        set -l r (complete -C "$q" | string replace -r '\\t.*' '')
        echo "R:$r"
      end
      """
    let lines = queries.map { "authctl " + $0.joined(separator: " ") }
    let r = try run(
      which("fish")!, ["--no-config", "-c", script] + lines,
      environment: ["HOME": work.path, "XDG_CONFIG_HOME": work.path, "XDG_DATA_HOME": work.path],
      directory: work)
    return try answers(r, shell: "fish")
  }

  /// A zsh that starts an interactive zsh in a pseudo-terminal for each line, loads `_authctl`
  /// through compinit, types the line and TAB, and prints what the completion system offered
  /// (compadd is wrapped to print its matches).
  static let zptyDriver = #"""
    zmodload zsh/zpty || exit 3
    setopt extendedglob
    fdir=$1; shift
    for q in "$@"; do
      zpty z zsh -f -i
      zpty -w z 'PROMPT= ; RPROMPT= ; unsetopt zle_bracketed_paste 2>/dev/null'
      zpty -w z "fpath=(${(q)fdir} \$fpath); autoload -Uz compinit; compinit -u -D"
      zpty -w z 'bindkey "^I" complete-word'
      zpty -w z 'null-line () { echo -E - $'"'"'\0'"'"' }; compprefuncs=( null-line ); comppostfuncs=( null-line exit )'
      zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
      zpty -w z 'compadd () {
        if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
        typeset -a __hits; builtin compadd -A __hits "$@"
        local h; for h in $__hits; do echo -E - "HIT:$h"; done
      }'
      zpty -w -n z "$q"$'\t'
      integer seen=0
      hits=()
      while zpty -r z line; do
        if [[ $line == *$'\0'* ]]; then (( ++seen >= 2 )) && break; continue; fi
        line=${line//[$'\r\n']/}
        (( seen )) && [[ $line == HIT:* ]] && hits+=( ${${line#HIT:}%%[[:space:]]#} )
      done
      print -r -- "R:${(j: :)hits}"
      zpty -d z
    done
    """#

  static func zsh(_ queries: [[String]], in work: URL) throws -> [Set<String>] {
    let driver = work.appendingPathComponent("zpty-driver.zsh").path
    try zptyDriver.write(toFile: driver, atomically: true, encoding: .utf8)
    let lines = queries.map { "authctl " + $0.joined(separator: " ") }
    let r = try run(
      "/usr/bin/timeout", ["120", which("zsh")!, "-f", driver, folder.path] + lines,
      environment: ["HOME": work.path, "ZDOTDIR": work.path, "TERM": "dumb"], directory: work)
    return try answers(r, shell: "zsh")
  }
}

/// Whether `word` stands in `text` with no letter, digit, `-` or `_` just before or after it.
func containsWord(_ text: String, _ word: String) -> Bool {
  func isWordChar(_ c: Character?) -> Bool {
    guard let c else { return false }
    return c.isLetter || c.isNumber || c == "-" || c == "_"
  }
  var search = text[...]
  while let r = search.range(of: word) {
    let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
    if !isWordChar(before) && !isWordChar(search[r.upperBound...].first) { return true }
    search = search[r.upperBound...]
  }
  return false
}

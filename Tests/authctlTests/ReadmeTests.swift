import Foundation
import TestSupport
import Testing

/// Every command example in README.md is run (issue 7): each `sh` block in order, in one empty
/// folder, with the built `authctl` first on PATH; each `$ ` line of a `console` block is run
/// too (`swift run authctl …` as the built binary) or checked against what runs it elsewhere.
@Suite struct ReadmeTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The fenced blocks of README.md with their language.
  static func blocks() throws -> [(language: String, text: String)] {
    let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    var result: [(String, String)] = []
    var language: String?
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        if let l = language {
          result.append((l, lines.joined(separator: "\n")))
          language = nil
        } else {
          language = String(line.dropFirst(3))
          lines = []
        }
      } else if language != nil {
        lines.append(String(line))
      }
    }
    return result
  }

  @Test func shellBlocksRunInOrder() throws {
    let dir = try TempDir("readme")
    let bin = URL(fileURLWithPath: authctlPath).deletingLastPathComponent().path
    let env = [
      "PATH": "\(bin):/usr/bin:/bin", "HOME": dir.path, "XDG_STATE_HOME": dir.file("state"),
      "AUTHCTL_BCRYPT_COST": "4",
    ]
    let blocks = try Self.blocks().filter { $0.language == "sh" }
    #expect(blocks.count >= 5)
    for (n, block) in blocks.enumerated() {
      let r = try run(
        "/bin/bash", ["-euo", "pipefail", "-c", block.text], environment: env, directory: dir.url)
      #expect(r.status == 0, "README sh block \(n + 1) failed:\n\(block.text)\n\(r.stderr)")
    }
  }

  /// The one test command: README's quick start, `make test` and the last line of .ci/run.
  /// The PostgreSQL trait builds the PostgreSQL store in, so its tests run beside SQLite's.
  static let testCommand = "swift test --traits PostgreSQL"

  @Test func consoleLinesAreRunOrCheckedElsewhere() throws {
    let ci = try String(contentsOf: Self.root.appendingPathComponent(".ci/run"), encoding: .utf8)
    let makefile = try String(
      contentsOf: Self.root.appendingPathComponent("Makefile"), encoding: .utf8)
    let lines = try Self.blocks().filter { $0.language == "console" }
      .flatMap { $0.text.split(separator: "\n") }.filter { $0.hasPrefix("$ ") }.map {
        String($0.dropFirst(2))
      }
    #expect(!lines.isEmpty)
    for line in lines {
      let words = line.split(separator: " ").map(String.init)
      if line.contains("apt-get install") {
        // quickStartInstallsWhatCIInstalls compares its packages with .ci/run's.
        #expect(Self.aptPackages(in: line) != [], "\(line)")
      } else if line.hasPrefix("swift run authctl ") {
        let dir = try TempDir("readme-console")
        let r = try authctl(Array(words.dropFirst(3)), directory: dir.url)
        #expect(r.status == 0, "\(line): \(r.stderr)")
      } else if let m = line.firstMatch(of: #/authctl completion (bash|zsh|fish)/#) {
        // CompletionTests checks the script itself, in the shell.
        let r = try authctl(["completion", String(m.1)])
        #expect(r.status == 0 && !r.stdout.isEmpty, "\(line): \(r.stderr)")
      } else if line == Self.testCommand {
        let last = ci.split(separator: "\n").last.map(String.init)
        #expect(last == Self.testCommand, ".ci/run ends with the README's test command")
      } else if words.last.map({ ["install", "uninstall"].contains($0) }) == true || line == "make"
      {
        // InstallTests runs the real install and uninstall (AUTHCTL_TEST_INSTALL=1).
        let target = line == "make" ? "build" : words.last!
        #expect(
          makefile.contains("\n\(target):") || makefile.contains("\n\(target) "),
          "Makefile has \(target)")
      } else {
        Issue.record("README console line not run by any test: \(line)")
      }
    }
  }

  /// The quick start begins with the one `apt-get install` line of the README, followed by
  /// the main job and the tests, and that line installs exactly what `.ci/run` installs
  /// (issue 17): a package CI needs is one a newcomer's `swift test` needs.
  @Test func quickStartInstallsWhatCIInstalls() throws {
    let readme = try String(
      contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let ci = try String(contentsOf: Self.root.appendingPathComponent(".ci/run"), encoding: .utf8)
    let installLines = readme.split(separator: "\n").filter { $0.contains("apt-get install") }
    #expect(installLines.count == 1, "README.md has one apt-get install line: \(installLines)")
    let quickStart = readme.components(separatedBy: "\n## Quick start\n").dropFirst().first
      .map { $0.components(separatedBy: "\n## ")[0] }
    let commands = (quickStart ?? "").split(separator: "\n").filter { $0.hasPrefix("$ ") }
    try #require(commands.count == 3, "the quick start is three commands: \(commands)")
    #expect(commands[0].contains("apt-get install"), "the quick start starts with apt-get")
    #expect(commands[1].hasPrefix("$ swift run authctl "), "then the main job: \(commands[1])")
    #expect(commands[2] == "$ \(Self.testCommand)", "then the tests: \(commands[2])")

    let documented = Set(Self.aptPackages(in: String(commands[0])))
    let installed = Set(Self.aptPackages(in: ci))
    #expect(installed.count >= 10, ".ci/run's apt-get install line is read: \(installed)")
    let missing = installed.subtracting(documented).sorted().joined(separator: " ")
    let extra = documented.subtracting(installed).sorted().joined(separator: " ")
    #expect(
      missing.isEmpty,
      """
      .ci/run installs packages the README's quick start does not: add `\(missing)` to the \
      `sudo apt-get install -y …` line at the top of '## Quick start' in README.md (one \
      line, any order), so that a newcomer's `swift test` has them too.
      """)
    #expect(
      extra.isEmpty,
      """
      README.md's quick-start apt-get line installs `\(extra)`, which .ci/run does not: add \
      them to the apt-get install line of .ci/run, or remove them from README.md.
      """)
  }

  /// The parser the comparison rests on: continuation lines, options, redirections, several
  /// install commands, comments and `&&` chains.
  @Test func aptPackagesAreParsed() {
    let script = """
      # apt-get install -y commented-out
      $sudo apt-get update -qq
      $sudo apt-get install -y -qq --no-install-recommends \\
        libsqlite3-dev openssl \\
        python3-jwt >/dev/null
      [ -n "${PG:-}" ] && $sudo apt-get install -y postgresql libpq-dev 2>&1 | tail -1
      """
    #expect(
      Self.aptPackages(in: script) == [
        "libsqlite3-dev", "openssl", "python3-jwt", "postgresql", "libpq-dev",
      ])
    #expect(
      Self.aptPackages(in: "$ sudo apt-get update && sudo apt-get install -y zsh fish")
        == ["zsh", "fish"])
    #expect(Self.aptPackages(in: "apt-get update") == [])
  }

  /// The packages of every `apt-get install` command in a shell text (a README line or
  /// `.ci/run`), in order: the words after `install` that are not options, up to the end of
  /// the command (`&&`, `||`, `;`, `|`, a redirection or the end of the line).
  static func aptPackages(in text: String) -> [String] {
    var packages: [String] = []
    let joined = text.replacingOccurrences(of: "\\\n", with: " ")
    for line in joined.split(separator: "\n") {
      let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
      guard words.first?.hasPrefix("#") == false else { continue }
      var i = 0
      while i + 1 < words.count {
        defer { i += 1 }
        guard words[i].hasSuffix("apt-get"), words[i + 1] == "install" else { continue }
        var j = i + 2
        while j < words.count {
          let word = words[j]
          if ["&&", "||", ";", "|"].contains(word) || word.contains(">") || word.hasPrefix("#") {
            break
          }
          if !word.hasPrefix("-") {
            packages.append(word.hasSuffix(";") ? String(word.dropLast()) : word)
          }
          if word.hasSuffix(";") { break }
          j += 1
        }
        i = j
      }
    }
    return packages
  }
}

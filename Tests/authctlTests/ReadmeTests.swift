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
      if line.hasPrefix("sudo apt-get install -y ") {
        for package in words.dropFirst(4) {
          #expect(ci.contains(package), ".ci/run installs \(package)")
        }
      } else if line.hasPrefix("swift run authctl ") {
        let dir = try TempDir("readme-console")
        let r = try authctl(Array(words.dropFirst(3)), directory: dir.url)
        #expect(r.status == 0, "\(line): \(r.stderr)")
      } else if let m = line.firstMatch(of: #/authctl completion (bash|zsh|fish)/#) {
        // CompletionTests checks the script itself, in the shell.
        let r = try authctl(["completion", String(m.1)])
        #expect(r.status == 0 && !r.stdout.isEmpty, "\(line): \(r.stderr)")
      } else if line == "swift test" {
        let last = ci.split(separator: "\n").last.map(String.init)
        #expect(last == "swift test", ".ci/run ends with the README's test command")
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
}

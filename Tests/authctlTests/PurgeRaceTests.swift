import AuthKit
import Foundation
import Testing
import TestSupport

/// Issue 6's race: a purge running while 20 processes confirm the same old unconfirmed
/// accounts never removes an account whose confirm exited 0.
@Suite struct PurgeRaceTests {
  /// Starts the binary without waiting; its output is discarded.
  func spawn(_ args: [String], _ env: [String: String]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: authctlPath)
    p.arguments = args
    var e = env
    e["PATH"] = "/usr/bin:/bin"
    p.environment = e
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    return p
  }

  @Test func purgeNeverRemovesAConfirmedAccount() throws {
    let rounds = Int(ProcessInfo.processInfo.environment["AUTHCTL_TEST_RACE_ROUNDS"] ?? "3") ?? 3
    var confirmedChecked = 0
    var purgedUnconfirmed = 0
    for round in 0..<rounds {
      let walk = try Walk(env: ["JWT_SECRET": "race-test-secret-0123456789abcdef0123456789"])
      var tokens: [String: String] = [:]
      for i in 0..<20 {
        let email = "r\(round)-\(i)@example.com"
        try walk.run(["-q", "register", email])
        tokens[email] = try #require(Walk.line("Token", in: try walk.run(["mail", "show", "--to", email]).stdout))
      }
      // All of them old enough to purge.
      try walk.connection().run(
        "UPDATE users SET created_at = ?1", [.text(Timestamp.format(Int64(Date().timeIntervalSince1970) - 10 * 86400))])
      var env = walk.env
      env["AUTHCTL_BCRYPT_COST"] = "4"
      // The purge starts in the middle of the confirms.
      var confirms: [(String, Process)] = []
      var purge: Process?
      for (n, (email, token)) in tokens.sorted(by: { $0.key < $1.key }).enumerated() {
        if n == 10 { purge = try spawn(["-q", "users", "purge", "--unconfirmed", "--older-than", "7d"], env) }
        confirms.append((email, try spawn(["-q", "confirm", token], env)))
      }
      purge?.waitUntilExit()
      #expect(purge?.terminationStatus == 0)
      for (email, p) in confirms {
        p.waitUntilExit()
        let activated = try walk.value(
          "SELECT activated_at FROM users WHERE email = ?1", [.text(email)])
        if p.terminationStatus == 0 {
          confirmedChecked += 1
          #expect(activated != nil, "\(email): confirm exited 0, so the account must stand, confirmed")
        } else {
          #expect(
            [67, 75].contains(p.terminationStatus),
            "\(email): a confirm that lost the race says the account is gone (67) or busy (75): \(p.terminationStatus)")
          #expect(activated == nil)
          purgedUnconfirmed += 1
        }
      }
      #expect(try walk.count("SELECT count(*) FROM users WHERE activated_at IS NULL") == 0,
        "every account is either confirmed or purged")
    }
    print("purge race: \(rounds) rounds, \(confirmedChecked) confirmed accounts checked, \(purgedUnconfirmed) purged before their confirm")
  }
}

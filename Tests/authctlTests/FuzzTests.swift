import Foundation
import TestSupport
import Testing

/// CI's short fuzzing pass: `scripts/fuzz.sh` builds every libFuzzer target of `Tests/Fuzz/` and
/// runs each 2,000 times from its seed corpus. Off unless `AUTHCTL_TEST_FUZZ=1` (it builds
/// AuthKit with the sanitizers, about a minute); the long pass is `scripts/fuzz.sh` by hand.
@Suite struct FuzzTests {
  static let enabled = ProcessInfo.processInfo.environment["AUTHCTL_TEST_FUZZ"] == "1"

  /// The package root, from this file's place in `Tests/authctlTests/`.
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  @Test(
    "a short libFuzzer pass over every target finds no crash",
    .enabled(if: enabled, "set AUTHCTL_TEST_FUZZ=1 to run scripts/fuzz.sh with FUZZ_RUNS=2000"))
  func shortPass() throws {
    let inherited = ProcessInfo.processInfo.environment
    var environment = ["FUZZ_RUNS": "2000"]
    for name in ["HOME", "TMPDIR"] { environment[name] = inherited[name] }
    let r = try run(
      "/bin/bash", [Self.root.appendingPathComponent("scripts/fuzz.sh").path],
      environment: environment, directory: Self.root)
    #expect(r.status == 0, "scripts/fuzz.sh failed:\n\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("fuzz: summary"))
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// `check` with many processes at once, and against a held write lock (issue 14): seconds
/// each, so tagged slow.
@Suite(.tags(.slow)) struct CheckConcurrencyTests {
  let accounts: ServiceAccounts
  var db: String { accounts.db }
  static let pw = ServiceAccounts.password

  init() throws { accounts = try ServiceAccounts() }

  /// `authctl --db DB ARGS`, the password (or whatever) on stdin, expecting `expect`.
  @discardableResult
  func check(
    _ args: [String], stdin: String? = nil, env: [String: String] = [:], expect: Int32,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RunResult {
    try accounts.expectRun(
      args, stdin: stdin, env: env, status: expect, sourceLocation: sourceLocation)
  }

  static func djb(_ user: String, _ password: String) -> [UInt8] {
    CheckCommandTests.djb(user, password)
  }

  @Test func sixteenParallelChecksNeverTempfail() throws {
    let procs = try (0..<16).map { _ in
      try SpawnedProcess(
        ["--db", db, "check", ServiceAccounts.active], stdin: Self.pw + "\n",
        directory: accounts.dir.url, scratch: accounts.dir)
    }
    for p in procs { p.wait() }
    #expect(procs.map(\.status) == Array(repeating: 0, count: 16), "\(procs.map(\.stderr))")
  }

  /// The lockout's reservation holds for check as for login: 16 wrong passwords at once with a
  /// threshold of 3 check 3 passwords at most, and lock.
  @Test func parallelWrongChecksStopAtTheThreshold() throws {
    let procs = try (0..<16).map { _ in
      try SpawnedProcess(
        ["--db", db, "check", ServiceAccounts.spare],
        environment: ["AUTHCTL_LOCKOUT_THRESHOLD": "3"],
        stdin: ServiceAccounts.wrong + "\n", directory: accounts.dir.url, scratch: accounts.dir)
    }
    for p in procs { p.wait() }
    #expect(procs.allSatisfy { $0.status == 77 }, "\(procs.map(\.status))")
    #expect(
      try accounts.value(
        "SELECT failed_logins FROM users WHERE email = ?1", [.text(ServiceAccounts.spare)]) == "3")
    try check(
      ["-v", "check", ServiceAccounts.spare], stdin: Self.pw + "\n",
      env: ["AUTHCTL_LOCKOUT_THRESHOLD": "3"], expect: 77)
  }

  /// A write lock held past busy_timeout (5 s): check says 75, checkpassword 111, the batch
  /// helper BH — all at once, while one connection of this test holds the lock.
  @Test func busyDatabaseIsATemporaryFailureInEveryMode() throws {
    let holder = try Connection(path: db, create: false)
    try holder.execute("BEGIN IMMEDIATE")
    let input = accounts.dir.file("fd3-busy")
    _ = FileManager.default.createFile(
      atPath: input, contents: Data(Self.djb(ServiceAccounts.active, Self.pw)))
    let plain = try SpawnedProcess(
      ["--db", db, "check", ServiceAccounts.active], stdin: Self.pw + "\n",
      directory: accounts.dir.url, scratch: accounts.dir)
    let cp = try SpawnedProcess(
      ["-c", "exec \"$0\" --db \"$1\" checkpassword /bin/true 3<\"$2\"", authctlPath, db, input],
      executable: "/bin/sh", scratch: accounts.dir)
    let batch = try SpawnedProcess(
      ["--db", db, "check", "--batch"],
      stdin: "\(ServiceAccounts.active) correct%20horse%20battery%209\n",
      directory: accounts.dir.url, scratch: accounts.dir)
    for p in [plain, cp, batch] { p.wait() }
    try holder.execute("ROLLBACK")
    #expect(plain.status == 75, "\(plain.stderr)")
    #expect(plain.stderr.contains("busy"), "\(plain.stderr)")
    #expect(cp.status == 111, "\(cp.stderr)")
    #expect(batch.status == 0 && batch.stdout.hasPrefix("BH message=\""), "\(batch.stdout)")
  }

}

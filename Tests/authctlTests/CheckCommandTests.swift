import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl check` in each of its modes, `checkpassword` and the htpasswd export, through the
/// binary (issue 14). The accounts are `ServiceAccounts`'s: one in each state, one password.
@Suite struct CheckCommandTests {
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

  /// authctl with `bytes` on descriptor 3 (through sh's `3<`), as a checkpassword caller runs it.
  func withFD3(
    _ args: [String], _ bytes: [UInt8]?, env: [String: String] = [:], directory: URL? = nil
  ) throws -> RunResult {
    let input = accounts.dir.file("fd3-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: input, contents: Data(bytes ?? []))
    let redirect = bytes == nil ? "" : " 3<\"$FD3\""
    return try run(
      "/bin/sh", ["-c", "exec \"$0\" \"$@\"\(redirect)", authctlPath] + args,
      environment: env.merging(["FD3": input]) { $1 }, directory: directory ?? accounts.dir.url)
  }

  static func djb(_ user: String, _ password: String, _ timestamp: String = "1700000000")
    -> [UInt8]
  {
    Array(user.utf8) + [0] + Array(password.utf8) + [0] + Array(timestamp.utf8) + [0]
  }

  // MARK: - check EMAIL

  @Test func exitStatusesAndTheirSilence() throws {
    let right = try check(["check", ServiceAccounts.active], stdin: Self.pw + "\n", expect: 0)
    #expect(right.stdout.isEmpty && right.stderr.isEmpty, "a right password prints nothing")
    let wrong = try check(
      ["check", ServiceAccounts.active], stdin: ServiceAccounts.wrong + "\n", expect: 77)
    #expect(wrong.allOutput.isEmpty, "a refusal prints nothing without -v: \(wrong.allOutput)")
    let reasons = [
      (ServiceAccounts.active, ServiceAccounts.wrong, "wrong password"),
      ("nobody@example.com", Self.pw, "no account with email nobody@example.com"),
      (ServiceAccounts.unconfirmed, Self.pw, "is not confirmed"),
      (ServiceAccounts.disabled, Self.pw, "is disabled"),
      (ServiceAccounts.locked, Self.pw, "is locked until"),
    ]
    for (email, password, reason) in reasons {
      let quiet = try check(["check", email], stdin: password + "\n", expect: 77)
      #expect(quiet.allOutput.isEmpty, "\(email): \(quiet.allOutput)")
      let told = try check(["-v", "check", email], stdin: password + "\n", expect: 77)
      #expect(told.stderr.hasPrefix("authctl: ") && told.stderr.contains(reason), "\(told.stderr)")
      #expect(!told.allOutput.contains(password), "never the password")
    }
    // Audited either way, with the reason; a success is not.
    #expect(try accounts.failedChecks(ServiceAccounts.disabled) == 2)
    #expect(
      try accounts.value("SELECT count(*) FROM audit WHERE event = 'check' AND outcome = 'ok'")
        == "0")
    try check(["check", "not-an-address"], stdin: Self.pw + "\n", expect: 65)
    try check(["check", ServiceAccounts.active], stdin: "", expect: 65)
    try check(
      ["check", ServiceAccounts.active], stdin: String(repeating: "x", count: 73) + "\n",
      expect: 65)
    let missing = try authctl(
      ["--db", accounts.dir.file("none.sqlite"), "check", ServiceAccounts.active],
      stdin: Self.pw + "\n")
    #expect(missing.status == 66, "\(missing.stderr)")
  }

  /// `check` keeps the database's `-wal` and `-shm` between processes (no file created and
  /// unlinked per request: issue 14's overhead), but leaves the `-wal` empty: every change is
  /// in the database file when it exits, so a database moved over the path later is never
  /// read through it (SECURITY.md 23).
  @Test func checkKeepsAnEmptyJournalThatAMovedDatabaseIsNotReadThrough() throws {
    try check(["check", ServiceAccounts.active], stdin: Self.pw + "\n", expect: 0)
    try check(["check", ServiceAccounts.spare], stdin: ServiceAccounts.wrong + "\n", expect: 77)
    var st = stat()
    #expect(stat(db + "-wal", &st) == 0, "the -wal is kept")
    #expect(st.st_size == 0, "and empty: \(st.st_size) bytes")
    #expect(stat(db + "-shm", &st) == 0, "the -shm is kept")
    // The wrong password's count is in the database file itself (read without its journal).
    let copy = accounts.dir.file("copy.sqlite")
    try FileManager.default.copyItem(atPath: db, toPath: copy)
    let counted = try Connection(path: copy, create: false).first(
      "SELECT failed_logins FROM users WHERE email = ?1", [.text(ServiceAccounts.spare)]
    ) { $0.int(0) }
    #expect(counted == 1)
    // Another database moved over the path, where the account is disabled.
    let other = try ServiceAccounts()
    try other.authctlOK(["users", "disable", ServiceAccounts.active])
    #expect(rename(other.db, db) == 0)
    try check(["check", ServiceAccounts.active], stdin: Self.pw + "\n", expect: 77)
    try check(["check", ServiceAccounts.spare], stdin: Self.pw + "\n", expect: 0)
  }

  /// Apache's pipe method: the account on stdin's first line, the password on its second.
  @Test func pipeModeReadsTheAccountThenThePassword() throws {
    try check(["check"], stdin: "\(ServiceAccounts.active)\n\(Self.pw)\n", expect: 0)
    try check(["check"], stdin: "\(ServiceAccounts.active)\n\(ServiceAccounts.wrong)\n", expect: 77)
    try check(["check"], stdin: "\(ServiceAccounts.disabled)\n\(Self.pw)\n", expect: 77)
    try check(["check"], stdin: "\(ServiceAccounts.active)\n", expect: 65)
    try check(["check", "--password-fd", "3"], stdin: "", expect: 64)
  }

  @Test func passwordFromDescriptor3() throws {
    let right = try withFD3(
      ["--db", db, "check", "--password-fd", "3", ServiceAccounts.active],
      Array((Self.pw + "\n").utf8))
    #expect(right.status == 0, "\(right.stderr)")
    let wrong = try withFD3(
      ["--db", db, "check", "--password-fd", "3", ServiceAccounts.active],
      Array(ServiceAccounts.wrong.utf8))
    #expect(wrong.status == 77, "\(wrong.stderr)")
    let closed = try withFD3(
      ["--db", db, "check", "--password-fd", "3", ServiceAccounts.active], nil)
    #expect(closed.status == 65 && closed.stderr.contains("not open"), "\(closed.stderr)")
    try check(["check", "--password-fd", "three", ServiceAccounts.active], expect: 64)
    try check(["check", "--pam", "--batch"], expect: 64)
  }

  // MARK: - --pam

  func pam(
    _ user: String?, type: String? = "auth", token: String, extra: [String: String] = [:],
    args: [String]? = nil, directory: URL? = nil
  ) throws -> RunResult {
    var env = extra
    env["PAM_USER"] = user
    env["PAM_TYPE"] = type
    return try authctl(
      args ?? ["--db", db, "check", "--pam"], environment: env, stdin: token,
      directory: directory ?? accounts.dir.url)
  }

  @Test func pamModeTakesPAMUserAndTheToken() throws {
    #expect(try pam(ServiceAccounts.active, token: Self.pw + "\0").status == 0)
    #expect(try pam(ServiceAccounts.active, token: Self.pw).status == 0, "up to the end")
    #expect(try pam(ServiceAccounts.active, token: Self.pw + "\n").status == 0, "echo's line end")
    #expect(try pam(ServiceAccounts.active, token: ServiceAccounts.wrong + "\0").status == 77)
    #expect(try pam(ServiceAccounts.locked, token: Self.pw + "\0").status == 77)
    // The account phase: no password read, none counted.
    #expect(try pam(ServiceAccounts.active, type: "account", token: "").status == 0)
    #expect(try pam(ServiceAccounts.disabled, type: "account", token: "").status == 77)
    #expect(try pam(ServiceAccounts.unconfirmed, type: "account", token: "").status == 77)
    #expect(try pam("nobody@example.com", type: "account", token: "").status == 77)
    #expect(
      try accounts.value(
        "SELECT failed_logins FROM users WHERE email = ?1", [.text(ServiceAccounts.active)])
        == "1")
    #expect(try pam(ServiceAccounts.active, type: "open_session", token: "").status == 64)
    #expect(try pam(nil, token: Self.pw).status == 64)
  }

  /// pam_exec hands its command the PAM environment, which the user may fill, and the user's
  /// folder: neither may point the check elsewhere or lift the lockout.
  @Test func pamModeIgnoresTheEnvironmentAndTheFolder() throws {
    let rogue = try ServiceAccounts()
    try rogue.authctlOK(
      ["users", "set-password", ServiceAccounts.active, "--password-stdin"],
      stdin: "the attacker's own passphrase 7\n")
    let attack = "the attacker's own passphrase 7\0"
    // The control: plain `check` takes AUTHCTL_DB from the environment, so this would work.
    let control = try authctl(
      ["check", ServiceAccounts.active], environment: ["AUTHCTL_DB": rogue.db],
      stdin: "the attacker's own passphrase 7\n")
    #expect(control.status == 0, "\(control.stderr)")
    // --pam: the variable is not read, and without a database named on the command line the
    // check is refused outright.
    let viaEnv = try pam(
      ServiceAccounts.active, token: attack, extra: ["AUTHCTL_DB": rogue.db],
      args: ["check", "--pam"])
    #expect(viaEnv.status == 64 && viaEnv.stderr.contains("absolute"), "\(viaEnv.stderr)")
    // Nor is a ./.env in the caller's folder (the user's own, under su).
    try "AUTHCTL_DB=\(rogue.db)\n".write(
      toFile: rogue.dir.file(".env"), atomically: true, encoding: .utf8)
    let inFolder = try pam(
      ServiceAccounts.active, token: attack, args: ["check", "--pam"], directory: rogue.dir.url)
    #expect(inFolder.status == 64 && inFolder.stderr.contains("absolute"), "\(inFolder.stderr)")
    let relative = try pam(
      ServiceAccounts.active, token: attack,
      args: ["--db", "data/authctl.sqlite", "check", "--pam"],
      directory: rogue.dir.url)
    #expect(relative.status == 64, "a relative --db is refused too: \(relative.stderr)")
    // The threshold from the environment is ignored: the default 10 locks.
    for _ in 0..<10 {
      let r = try pam(
        ServiceAccounts.spare, token: ServiceAccounts.wrong,
        extra: ["AUTHCTL_LOCKOUT_THRESHOLD": "1000"])
      #expect(r.status == 77)
    }
    #expect(
      try accounts.value(
        "SELECT locked_until IS NOT NULL FROM users WHERE email = ?1",
        [.text(ServiceAccounts.spare)]) == "1")
  }

  // MARK: - checkpassword

  @Test func checkpasswordRunsProgWithTheInterfacesEnvironment() throws {
    let input = Self.djb(ServiceAccounts.active, Self.pw)
    let env = try withFD3(
      ["--db", db, "checkpassword", "/usr/bin/env"], input, env: ["ORIG_UID": "7"])
    #expect(env.status == 0, "\(env.stderr)")
    let lines = Set(env.stdout.split(separator: "\n").map(String.init))
    #expect(lines.contains("USER=\(ServiceAccounts.active)"))
    #expect(lines.contains("AUTHENTICATED=\(ServiceAccounts.active)"))
    #expect(lines.contains("HOME=/nonexistent"))
    #expect(lines.contains("ORIG_UID=7"), "the caller's environment is kept")
    let home = try withFD3(
      [
        "--db", db, "checkpassword", "--home-base", "/srv/mail/", "/bin/sh", "-c",
        "printf '%s|' \"$HOME\" \"$@\"; [ -e /dev/fd/3 ] && echo fd3-open || echo fd3-closed",
        "sh", "--db", "-v", "x y",
      ], input)
    #expect(
      home.stdout == "/srv/mail/\(ServiceAccounts.active)|--db|-v|x y|fd3-closed\n",
      "PROG's arguments as given, descriptor 3 closed: \(home.stdout) \(home.stderr)")
  }

  @Test func checkpasswordExitStatuses() throws {
    let marker = accounts.dir.file("ran")
    let prog = ["/bin/sh", "-c", "touch \(marker)"]
    func status(_ bytes: [UInt8]?, db: String? = nil, prog: [String] = prog) throws -> Int32 {
      let r = try withFD3(["--db", db ?? self.db, "checkpassword"] + prog, bytes)
      return r.status
    }
    for (user, password) in [
      (ServiceAccounts.active, ServiceAccounts.wrong), ("nobody@example.com", Self.pw),
      (ServiceAccounts.unconfirmed, Self.pw), (ServiceAccounts.disabled, Self.pw),
      (ServiceAccounts.locked, Self.pw), ("not an address", Self.pw), (ServiceAccounts.active, ""),
    ] {
      #expect(try status(Self.djb(user, password)) == 1, "\(user) is unacceptable")
    }
    #expect(!FileManager.default.fileExists(atPath: marker), "PROG never ran")
    #expect(try status(nil) == 2, "no descriptor 3")
    #expect(try status(Array(repeating: 0x61, count: 600)) == 2, "more than 512 bytes")
    #expect(try status(Array("\(ServiceAccounts.active)\0\(Self.pw)".utf8)) == 2, "no NUL end")
    #expect(try status(Self.djb(ServiceAccounts.active, Self.pw), db: "/nonexistent/db") == 111)
    #expect(
      try status(Self.djb(ServiceAccounts.active, Self.pw), prog: ["/nonexistent/prog"]) == 111)
    #expect(try status(Self.djb(ServiceAccounts.active, Self.pw)) == 0)
    #expect(FileManager.default.fileExists(atPath: marker), "PROG ran")
    // Without an absolute database path (the environment's is ignored): a temporary problem.
    let noDB = try withFD3(
      ["checkpassword", "/bin/true"], Self.djb(ServiceAccounts.active, Self.pw),
      env: ["AUTHCTL_DB": db])
    #expect(noDB.status == 111 && noDB.stderr.contains("absolute"), "\(noDB.stderr)")
  }

  // MARK: - --record-login

  @Test func recordLoginRecordsAndRehashesOnlyWhenAsked() throws {
    let email = ServiceAccounts.active
    let before = try accounts.value("SELECT password FROM users WHERE email = ?1", [.text(email)])
    try check(
      ["check", email], stdin: Self.pw + "\n", env: ["AUTHCTL_BCRYPT_COST": "5"], expect: 0)
    #expect(
      try accounts.value("SELECT last_login_at FROM users WHERE email = ?1", [.text(email)]) == nil)
    #expect(
      try accounts.value("SELECT password FROM users WHERE email = ?1", [.text(email)]) == before)
    try check(
      ["check", "--record-login", email], stdin: Self.pw + "\n",
      env: ["AUTHCTL_BCRYPT_COST": "5"], expect: 0)
    #expect(
      try accounts.value("SELECT last_login_at FROM users WHERE email = ?1", [.text(email)]) != nil)
    let after = try #require(
      try accounts.value("SELECT password FROM users WHERE email = ?1", [.text(email)]))
    #expect(after.hasPrefix("$2b$05$"), "rehashed at the configured cost: \(after.prefix(7))")
    #expect(
      try accounts.value(
        "SELECT detail FROM audit WHERE event = 'check' AND outcome = 'ok'")
        == "login recorded; rehashed at the configured cost")
    try check(["check", email], stdin: Self.pw + "\n", expect: 0)
  }

  // MARK: - users export --format htpasswd

  @Test func htpasswdExportIsAtomicActiveOnlyAnd0640() throws {
    let web = accounts.dir.file("web")
    try FileManager.default.createDirectory(atPath: web, withIntermediateDirectories: true)
    let path = web + "/users.htpasswd"
    // A symbolic link where the file goes: replaced, its target never written.
    let target = accounts.dir.file("target")
    try "untouched\n".write(toFile: target, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    try check(["users", "export", "--format", "htpasswd"], expect: 64)
    try check(["users", "export", "--output", path], expect: 64)
    try check(["-q", "users", "export", "--format", "htpasswd", "--output", path], expect: 0)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched\n")
    let file = try #require(FileOwner(path: path))
    #expect(file.isRegular && file.mode == 0o640, "\(file.modeText)")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let hash = try #require(
      try accounts.value(
        "SELECT password FROM users WHERE email = ?1", [.text(ServiceAccounts.active)]))
    #expect(text == "\(ServiceAccounts.active):\(hash)\n\(ServiceAccounts.spare):\(hash)\n")
    let notice = try check(
      ["users", "export", "--format", "htpasswd", "--output", path], expect: 0)
    #expect(notice.stderr.contains("wrote 2 account(s)") && notice.stderr.contains("3 left out"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: web) == ["users.htpasswd"])
    try check(
      ["users", "export", "--format", "htpasswd", "--output", "/nonexistent/x"], expect: 73)
  }
}

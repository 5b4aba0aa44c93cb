import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 11, items 1, 2, 3 and 18, through the binary: no pre-hijacked accounts, the lockout
/// under parallel attack and at `passwd --request`, and the original app's reset tokens used
/// once and code-limited (SECURITY.md §1, §2, §3, §18).
@Suite(.tags(.slow)) struct SecurityAccountTests {
  static let secret = "security-account-test-secret-0123456789abcdef"
  static let attackerPassword = "the attacker's own passphrase 7"
  static let victimPassword = "the victim's own passphrase 8"

  func walk(_ extra: [String: String] = [:]) throws -> Walk {
    try Walk(env: ["JWT_SECRET": Self.secret].merging(extra) { $1 })
  }

  /// The newest mail's `name:` line.
  func last(_ walk: Walk, _ name: String) throws -> String {
    try #require(Walk.line(name, in: try walk.run(["mail", "show", "--last"]).stdout))
  }

  /// Asserts the attacker's password does not log in, and the password mailed at activation
  /// (or with the confirmation) does.
  func ownedByMailbox(_ walk: Walk, _ email: String, mailed: String) throws {
    let r = try walk.run(
      ["login", email, "--password-stdin"], stdin: Self.attackerPassword + "\n", expect: 77)
    #expect(r.stderr.contains("wrong password"), "\(r.stderr)")
    try walk.run(["-q", "login", email, "--password-stdin"], stdin: mailed + "\n")
  }

  // MARK: - 1. No pre-hijacked accounts

  /// The attacker registers first with a chosen password; the victim confirms the mail that
  /// follows (no terminal, no proof): the chosen password is dropped, a new one is mailed.
  @Test func attackerRegistersFirstVictimConfirms() throws {
    let walk = try walk()
    let email = "victim@example.com"
    try walk.run(
      ["-q", "register", email, "--password-stdin"], stdin: Self.attackerPassword + "\n")
    let mail = try walk.run(["mail", "show", "--last"]).stdout
    #expect(mail.contains("A password was chosen at registration"), "\(mail)")
    #expect(Walk.line("Password", in: mail) == nil, "a chosen password is never mailed")
    let token = try #require(Walk.line("Token", in: mail))
    let r = try walk.run(["confirm", token])
    #expect(r.stdout.contains("a new one mailed"), "\(r.stdout)")
    #expect(try walk.value("SELECT password_generated FROM users") == "1")
    let activation = try walk.run(["mail", "show", "--last"]).stdout
    #expect(activation.contains("Subject: Your account is activated"))
    try ownedByMailbox(walk, email, mailed: try #require(Walk.line("Password", in: activation)))
    #expect(
      try walk.count(
        "SELECT count(*) FROM audit WHERE event = 'confirm' AND detail LIKE ?1",
        [
          .text("chosen password not proven%")
        ]) == 1)
  }

  /// The attacker registers first; the victim registers too (no password): the attacker's
  /// password is gone at once, and the victim's mailed password is the account's.
  @Test func attackerRegistersFirstVictimRegisters() throws {
    let walk = try walk()
    let email = "victim@example.com"
    try walk.run(
      ["-q", "register", email, "--password-stdin"], stdin: Self.attackerPassword + "\n")
    let attackersToken = try last(walk, "Token")
    try walk.run(["-q", "register", email], expect: 65)
    let mail = try walk.run(["mail", "show", "--last"]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let password = try #require(Walk.line("Password", in: mail))
    let old = try walk.run(["confirm", attackersToken], expect: 77)
    #expect(old.stderr.contains("a newer confirmation was mailed"), "\(old.stderr)")
    try walk.run(["-q", "confirm", token])
    try ownedByMailbox(walk, email, mailed: password)
  }

  /// The victim registers first (generated password); the attacker re-registers with a chosen
  /// password: the victim's old token dies, and confirming the new one without a proof mails
  /// a fresh password, never the attacker's.
  @Test func attackerReRegistersAfterVictim() throws {
    let walk = try walk()
    let email = "victim@example.com"
    try walk.run(["-q", "register", email])
    let victimsToken = try last(walk, "Token")
    try walk.run(
      ["register", email, "--password-stdin"], stdin: Self.attackerPassword + "\n", expect: 65)
    try walk.run(["confirm", victimsToken], expect: 77)
    let token = try last(walk, "Token")
    // The attacker's password is not the account's before confirmation either.
    let early = try walk.run(
      ["login", email, "--password-stdin"], stdin: Self.attackerPassword + "\n", expect: 77)
    #expect(early.stderr.contains("not confirmed"), "\(early.stderr)")
    try walk.run(["-q", "confirm", token], stdin: "")
    try ownedByMailbox(walk, email, mailed: try last(walk, "Password"))
  }

  /// The victim registers with a chosen password, the attacker re-registers with another: the
  /// victim's proof is the wrong one (77, counted as a failed login), and confirming without
  /// it mails a fresh password.
  @Test func wrongProofIsRefusedAndCounted() throws {
    let walk = try walk()
    let email = "victim@example.com"
    try walk.run(
      ["-q", "register", email, "--password-stdin"], stdin: Self.victimPassword + "\n")
    try walk.run(
      ["register", email, "--password-stdin"], stdin: Self.attackerPassword + "\n", expect: 65)
    let token = try last(walk, "Token")
    let wrong = try walk.run(
      ["confirm", token, "--password-stdin"], stdin: Self.victimPassword + "\n", expect: 77)
    #expect(wrong.stderr.contains("wrong password"), "\(wrong.stderr)")
    #expect(try walk.value("SELECT activated_at FROM users") == nil)
    #expect(try walk.value("SELECT failed_logins FROM users") == "1")
    try walk.run(["-q", "confirm", token])
    #expect(try walk.value("SELECT failed_logins FROM users") == "0")
    try ownedByMailbox(walk, email, mailed: try last(walk, "Password"))
  }

  /// The registrant who owns the mailbox keeps the chosen password by proving it.
  @Test func provenChosenPasswordIsKept() throws {
    let walk = try walk()
    let email = "owner@example.com"
    try walk.run(
      ["-q", "register", email, "--password-stdin"], stdin: Self.victimPassword + "\n")
    let token = try last(walk, "Token")
    let r = try walk.run(
      ["confirm", token, "--password-stdin"], stdin: Self.victimPassword + "\n")
    #expect(r.stdout == "confirmed \(email)\n", "\(r.stdout)")
    let activation = try walk.run(["mail", "show", "--last"]).stdout
    #expect(Walk.line("Password", in: activation) == nil, "no new password: \(activation)")
    try walk.run(["-q", "login", email, "--password-stdin"], stdin: Self.victimPassword + "\n")
  }

  // MARK: - 2. The lockout holds under parallel attack

  /// A confirmed account whose stored hash is bcrypt cost 10, so each check takes long enough
  /// for parallel logins to overlap; its password.
  func lockoutAccount(threshold: Int?) throws -> (Walk, String) {
    var extra: [String: String] = [:]
    if let threshold { extra["AUTHCTL_LOCKOUT_THRESHOLD"] = String(threshold) }
    let walk = try walk(extra)
    let password = "the owner's passphrase 9"
    let r = try authctl(
      ["-q", "register", "owner@example.com", "--password-stdin"],
      environment: walk.env.merging(["AUTHCTL_BCRYPT_COST": "10"]) { $1 }, stdin: password + "\n",
      directory: walk.dir.url)
    #expect(r.status == 0, "\(r.stderr)")
    try walk.run(["-q", "users", "confirm", "owner@example.com"])
    return (walk, password)
  }

  func parallelLockout(threshold: Int?) throws {
    let (walk, password) = try lockoutAccount(threshold: threshold)
    let limit = Int64(threshold ?? 10)
    let procs = try (0..<16).map { i in
      try SpawnedProcess(
        ["login", "owner@example.com", "--password-stdin"], environment: walk.env,
        stdin: "wrong guess number \(i)\n", directory: walk.dir.url, scratch: walk.dir)
    }
    for p in procs { p.wait() }
    for p in procs where p.status != 77 { Issue.record("status \(p.status): \(p.stderr)") }
    let checked = try walk.count(
      "SELECT count(*) FROM audit WHERE event = 'login' AND outcome = 'failed' AND reason LIKE 'wrong password%'"
    )
    let locked = try walk.count(
      "SELECT count(*) FROM audit WHERE event = 'login' AND outcome = 'failed' AND reason LIKE '%is locked until%'"
    )
    print(
      "SecurityAccountTests: 16 parallel wrong logins, threshold \(limit) → \(checked) passwords checked, \(locked) refused as locked"
    )
    #expect(checked <= limit)
    #expect(checked == limit, "every check the window allows was made")
    #expect(locked == 16 - limit)
    #expect(try walk.value("SELECT locked_until FROM users") != nil)
    #expect(try walk.count("SELECT count(*) FROM audit WHERE event = 'lockout'") == 1)
    // The right password after the lock engaged is refused, unchecked, until the lock ends.
    let r = try walk.run(
      ["login", "owner@example.com", "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(r.stderr.contains("is locked until"), "\(r.stderr)")
    try walk.connection().run(
      "UPDATE users SET locked_until = ?1",
      [.text(Timestamp.format(Int64(Date().timeIntervalSince1970) - 1))])
    try walk.run(["-q", "login", "owner@example.com", "--password-stdin"], stdin: password + "\n")
    #expect(try walk.value("SELECT failed_logins FROM users") == "0")
    #expect(try walk.value("SELECT locked_until FROM users") == nil)
  }

  @Test func parallelLoginsAtThresholdThree() throws { try parallelLockout(threshold: 3) }

  @Test func parallelLoginsAtTheDefaultThreshold() throws { try parallelLockout(threshold: nil) }

  /// A login killed while bcrypt runs (after its reservation) leaves exactly one counted
  /// failure and no lock; the right password then logs in and clears it.
  @Test func killedLoginLeavesOneCountedFailure() throws {
    let walk = try walk(["AUTHCTL_LOCKOUT_THRESHOLD": "3"])
    let password = "the owner's passphrase 9"
    let slow = walk.env.merging(["AUTHCTL_BCRYPT_COST": "14"]) { $1 }
    let r = try authctl(
      ["-q", "register", "owner@example.com", "--password-stdin"], environment: slow,
      stdin: password + "\n", directory: walk.dir.url)
    #expect(r.status == 0, "\(r.stderr)")
    try walk.run(["-q", "users", "confirm", "owner@example.com"])
    let login = try SpawnedProcess(
      ["login", "owner@example.com", "--password-stdin"], environment: walk.env,
      stdin: "a wrong guess\n", directory: walk.dir.url, scratch: walk.dir)
    // Kill it once the reservation is committed, while the cost-14 check runs.
    let deadline = Date().addingTimeInterval(20)
    while try walk.value("SELECT failed_logins FROM users") != "1" && Date() < deadline {}
    login.kill()
    #expect(login.wait(), "killed during the check, not finished: \(login.stderr)")
    #expect(try walk.value("SELECT failed_logins FROM users") == "1")
    #expect(try walk.value("SELECT locked_until FROM users") == nil)
    try walk.run(["-q", "login", "owner@example.com", "--password-stdin"], stdin: password + "\n")
    #expect(try walk.value("SELECT failed_logins FROM users") == "0")
  }

  // MARK: - 3. `passwd --request` honours the lockout

  @Test func passwdRequestHonoursTheLockout() throws {
    let (walk, password) = try lockoutAccount(threshold: 3)
    try walk.run(["-q", "login", "owner@example.com", "--password-stdin"], stdin: password + "\n")
    // Wrong current passwords count toward the lockout, as failed logins do.
    for i in 1...3 {
      try walk.run(
        ["passwd", "--request", "--password-stdin"], stdin: "wrong current \(i)\n", expect: 77)
    }
    #expect(try walk.value("SELECT locked_until FROM users") != nil)
    let mailsBefore = try walk.count("SELECT count(*) FROM outbox")
    // Locked: the right current password is refused before it is checked; no code is mailed.
    let r = try walk.run(
      ["passwd", "--request", "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(r.stderr.contains("is locked until"), "\(r.stderr)")
    #expect(try walk.count("SELECT count(*) FROM outbox") == mailsBefore)
    #expect(try walk.count("SELECT count(*) FROM codes") == 0)
    let login = try walk.run(
      ["login", "owner@example.com", "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(login.stderr.contains("is locked until"), "\(login.stderr)")
    // Once the lock ends, the right password mails a code and clears the count.
    try walk.connection().run(
      "UPDATE users SET locked_until = ?1",
      [.text(Timestamp.format(Int64(Date().timeIntervalSince1970) - 1))])
    try walk.run(["-q", "passwd", "--request", "--password-stdin"], stdin: password + "\n")
    #expect(try walk.count("SELECT count(*) FROM codes WHERE purpose = 'passwd'") == 1)
    #expect(try walk.value("SELECT failed_logins FROM users") == "0")
  }

  // MARK: - 18. The original app's reset tokens

  /// A confirmed account shared with the original app (its issuer), and a reset token made
  /// the way the original app makes it: PyJWT, no fingerprint, the code in clear in `sub`.
  func originalToken(code: String) throws -> (Walk, String, String, Int64) {
    let walk = try walk(["AUTHCTL_TOKEN_ISSUER": "DarkEngine"])
    let password = "the owner's passphrase 9"
    try walk.run(["-q", "register", "me@example.com", "--password-stdin"], stdin: password + "\n")
    try walk.run(["-q", "users", "confirm", "me@example.com"])
    let id = try #require(try walk.value("SELECT id FROM users"))
    let make = """
      import jwt, sys, time
      now = int(time.time())
      print(now, jwt.encode({"iss": "DarkEngine", "aud": ["purpose:reset_password"], "iat": now, "exp": now + 1800,
        "sub": {"email": "me@example.com", "user_id": sys.argv[2], "code": sys.argv[3]}}, sys.argv[1],
        algorithm="HS256"))
      """
    let out = try python(make, [Self.secret, id, code])
    #expect(out.status == 0, "\(out.stderr)")
    let parts = out.stdout.split(separator: " ").map {
      $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return (walk, password, parts[1], try #require(Int64(parts[0])))
  }

  /// Used once: a replay fails in the same second, when the last change is moved to the
  /// token's own second, and with no change time at all (so not because of the clock).
  @Test func originalResetTokenIsSingleUse() throws {
    let (walk, _, token, iat) = try originalToken(code: "123456")
    let first = "the first new passphrase 1"
    try walk.run(
      ["-q", "reset", token, "--code", "123456", "--password-stdin"], stdin: first + "\n")
    #expect(
      try walk.count(
        "SELECT count(*) FROM codes WHERE purpose = 'reset-original' AND used_at IS NOT NULL") == 1)
    let second = "the second new passphrase 2"
    for changed: String? in [nil, Timestamp.format(iat), Timestamp.format(iat - 2)] {
      if let changed {
        try walk.connection().run("UPDATE users SET security_changed_at = ?1", [.text(changed)])
      } else {
        try walk.connection().run("UPDATE users SET security_changed_at = NULL")
      }
      let r = try walk.run(
        ["reset", token, "--code", "123456", "--password-stdin"], stdin: second + "\n", expect: 77)
      #expect(r.stderr.contains("already used"), "\(changed ?? "no change time"): \(r.stderr)")
    }
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: first + "\n")
  }

  /// Code-limited: 6 wrong codes, then the right one is refused; the password stays.
  @Test func originalResetTokenIsCodeLimited() throws {
    let (walk, password, token, _) = try originalToken(code: "424242")
    for i in 1...6 {
      let r = try walk.run(["reset", token, "--code", "00000\(i)"], expect: 77)
      #expect(
        r.stderr.contains(i <= 5 ? "wrong code" : "too many wrong codes"), "\(i): \(r.stderr)")
    }
    let r = try walk.run(["reset", token, "--code", "424242"], expect: 77)
    #expect(r.stderr.contains("too many wrong codes"), "\(r.stderr)")
    #expect(try walk.count("SELECT attempts FROM codes WHERE purpose = 'reset-original'") == 5)
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: password + "\n")
  }
}

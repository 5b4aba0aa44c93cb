import AuthKit
import Foundation
import TestSupport
import Testing

/// Every refusal of the account flows (issues 3 and 5) through the binary: its exit status,
/// its message, and that the database did not change.
@Suite struct RefusalTests {
  static let secret = "refusal-test-secret-0123456789abcdef01234567"

  /// A confirmed account with a known password, on the local mailbox.
  static func confirmedAccount(_ extra: [String: String] = [:]) throws -> (Walk, String) {
    let walk = try Walk(env: ["JWT_SECRET": secret].merging(extra) { $1 })
    let password = "correct horse battery 9"
    try walk.run(["-q", "register", "me@example.com", "--password-stdin"], stdin: password + "\n")
    let token = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    try walk.run(["-q", "confirm", token, "--password-stdin"], stdin: password + "\n")
    return (walk, password)
  }

  func signer(issuer: String = "authctl", key: String = secret) -> TokenSigner {
    TokenSigner(key: Array(key.utf8), issuer: issuer)
  }

  /// Runs `args`, expects `status` and a message containing `text`, and no change at all.
  func refused(
    _ walk: Walk, _ args: [String], stdin: String? = nil, _ status: Int32, _ text: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let before = try walk.snapshot()
    let r = try walk.run(args, stdin: stdin, expect: status, sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("authctl: "), sourceLocation: sourceLocation)
    #expect(r.stderr.contains(text), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(
      try walk.snapshot() == before, "the database did not change", sourceLocation: sourceLocation)
  }

  @Test func confirmRefusals() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    try walk.run(["-q", "register", "me@example.com"])
    let token = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    let id = try #require(try walk.value("SELECT id FROM users"))
    let now = Int64(Date().timeIntervalSince1970)
    let parts = token.split(separator: ".").map(String.init)
    // Flipped bits in payload and signature, truncated, wrong key, issuer, purpose, alg.
    func flip(_ s: String) -> String {
      var c = Array(s)
      c[c.count / 2] = c[c.count / 2] == "A" ? "B" : "A"
      return String(c)
    }
    let forged = [
      "\(parts[0]).\(flip(parts[1])).\(parts[2])",
      "\(parts[0]).\(parts[1]).\(flip(parts[2]))",
      "\(parts[0]).\(parts[1]).\(parts[2].dropLast(4))",
      try signer(key: "another-secret-of-at-least-32-bytes-long").sign(
        purpose: .activateAccount, email: "me@example.com", userID: id, issuedAt: now, lifetime: 600
      ),
      try signer(issuer: "DarkEngine").sign(
        purpose: .activateAccount, email: "me@example.com", userID: id, issuedAt: now, lifetime: 600
      ),
      try signer().sign(
        purpose: .resetPassword, email: "me@example.com", userID: id, issuedAt: now, lifetime: 600),
      try signer().sign(
        purpose: .session, email: "me@example.com", userID: id, issuedAt: now, lifetime: 600),
    ]
    for t in forged { try refused(walk, ["confirm", t], 77, "invalid token") }
    // alg none, HS512 and RS256 headers over the same payload (PyJWT makes HS512).
    let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
    try refused(walk, ["confirm", "\(noneHeader).\(parts[1]).\(parts[2])"], 77, "invalid token")
    let hs512 = try python(
      "import jwt,sys; print(jwt.encode({'iss':'authctl','aud':['purpose:activate_account'],'iat':int(sys.argv[2]),'exp':int(sys.argv[2])+600,'sub':{'email':'me@example.com','user_id':sys.argv[3]}}, sys.argv[1], algorithm='HS512'))",
      [Self.secret, String(now), id])
    try refused(
      walk, ["confirm", hs512.stdout.trimmingCharacters(in: .whitespacesAndNewlines)], 77,
      "invalid token")
    // Expired at exp + leeway + 1 s; still good at the edge is the signer's unit test.
    let expired = try signer().sign(
      purpose: .activateAccount, email: "me@example.com", userID: id, issuedAt: now - 1861,
      lifetime: 1800)
    try refused(walk, ["confirm", expired], 77, "token expired")
    // Malformed: not a token at all → 65.
    for bad in [
      "", "not-a-token", "a.b", "a.b.c.d", token + "=", "https://x/activate_account?foo=1",
    ] {
      try refused(walk, ["confirm", bad], 65, "malformed")
    }
    // The real one works once; replayed → already confirmed.
    try walk.run(["-q", "confirm", token])
    try refused(walk, ["confirm", token], 77, "already confirmed")
  }

  @Test func reRegistrationKillsTheOldConfirmation() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    try walk.run(["-q", "register", "me@example.com"])
    let first = try walk.run(["mail", "show"]).stdout
    let oldToken = try #require(Walk.line("Token", in: first))
    let again = try walk.run(["register", "me@example.com"], expect: 65)
    #expect(again.stderr.contains("not confirmed") && again.stdout.isEmpty)
    let second = try walk.run(["mail", "show"]).stdout
    let newToken = try #require(Walk.line("Token", in: second))
    #expect(
      Walk.line("Password", in: second) != Walk.line("Password", in: first), "a fresh password")
    try refused(walk, ["confirm", oldToken], 77, "invalid token")
    try walk.run(["-q", "confirm", newToken])
    let exists = try walk.run(["register", "me@example.com"], expect: 65)
    #expect(exists.stderr.contains("already has an account"))
    #expect(try walk.run(["mail", "show"]).stdout.contains("Subject: Your account already exists"))
    #expect(try walk.count("SELECT count(*) FROM users") == 1)
  }

  @Test func registrationInputRefusals() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    try walk.run(["-q", "migrate"])
    for (pw, why) in [
      ("short pw", "too short"), ("1qaz2wsx3edc", "common"), ("Q1W2E3R4T5Y6", "common"),
      ("me@example.com", "email"),
      (String(repeating: "é", count: 40), "72"),
    ] {
      try refused(
        walk, ["register", "me@example.com", "--password-stdin"], stdin: pw + "\n", 65, why)
    }
    try refused(walk, ["register", "me@example.com", "--password-stdin"], stdin: "", 65, "stdin")
    for email in ["", "no-at-sign", "a@b", "a b@example.com", "a@-x.com", "a..b@example.com"] {
      try refused(walk, ["register", email], 65, "invalid email address")
    }
    let short = try authctl(
      ["register", "x@example.com"],
      environment: ["AUTHCTL_DB": walk.dir.file("new.sqlite"), "JWT_SECRET": "too-short"])
    #expect(short.status == 78 && short.stderr.contains("32"), "\(short.stderr)")
    #expect(!FileManager.default.fileExists(atPath: walk.dir.file("new.sqlite")), "nothing created")
  }

  @Test func loginRefusalsAndLockout() throws {
    let (walk, password) = try Self.confirmedAccount([
      "AUTHCTL_LOCKOUT_THRESHOLD": "3", "AUTHCTL_LOCKOUT_DURATION": "2s",
    ])
    try refused(
      walk, ["login", "nobody@example.com", "--password-stdin"], stdin: "x\n", 67, "no account")
    try walk.run(["-q", "register", "new@example.com"])
    let unconfirmed = try walk.run(
      ["login", "new@example.com", "--password-stdin"],
      stdin: (Walk.line("Password", in: try walk.run(["mail", "show"]).stdout) ?? "") + "\n",
      expect: 77)
    #expect(unconfirmed.stderr.contains("not confirmed"))
    try refused(walk, ["login", "me@example.com"], 64, "terminal")
    for i in 1...3 {
      let r = try walk.run(
        ["login", "me@example.com", "--password-stdin"], stdin: "wrong password \(i)\n", expect: 77)
      #expect(r.stderr.contains("wrong password"))
      if i == 3 { #expect(r.stderr.contains("locked"), "\(r.stderr)") }
    }
    let locked = try walk.run(
      ["login", "me@example.com", "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(locked.stderr.contains("locked"))
    #expect(try walk.count("SELECT count(*) FROM sessions") == 0)
    // The lock's end, moved into the past: its timing (the right password refused until the
    // lock ends, then accepted) is FlowTests.LoginFlow.theLockoutAndItsEnd's, by the clock.
    try walk.connection().run(
      "UPDATE users SET locked_until = ?1 WHERE email = 'me@example.com'",
      [.text(Timestamp.format(Clock.system.now() - .seconds(1)))])
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: password + "\n")
    #expect(try walk.count("SELECT failed_logins FROM users WHERE email = 'me@example.com'") == 0)
    try walk.run(["-q", "users", "disable", "me@example.com"])
    try walk.run(["whoami"], expect: 77)
    let disabled = try walk.run(
      ["login", "me@example.com", "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(disabled.stderr.contains("disabled"))
    let log = try walk.run(["log", "--failed", "--event", "login", "--format", "jsonl"]).stdout
    #expect(log.split(separator: "\n").count >= 6, "failed logins are audited with their reason")
    #expect(log.contains("wrong password") && !log.contains(password))
  }

  @Test func sessionFileRefusals() throws {
    let (walk, password) = try Self.confirmedAccount()
    try walk.run(["whoami"], expect: 77)
    try walk.run(["logout"], expect: 77)
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: password + "\n")
    chmod(walk.session, 0o644)
    let r = try walk.run(["whoami"], expect: 77)
    #expect(r.stderr.contains("accessible by others"))
    chmod(walk.session, 0o600)
    try walk.run(["whoami"])
    // A session older than a password reset is refused even with its file.
    let copy = try Data(contentsOf: URL(fileURLWithPath: walk.session))
    try walk.run(["-q", "users", "set-password", "me@example.com", "--generate"])
    try walk.run(["whoami"], expect: 77)
    try copy.write(to: URL(fileURLWithPath: walk.session))
    chmod(walk.session, 0o600)
    try walk.run(["whoami"], expect: 77)
  }

  @Test func resetRefusalsCodeLimitAndReplay() throws {
    let (walk, _) = try Self.confirmedAccount()
    try refused(walk, ["recover", "nobody@example.com"], 67, "no account")
    try walk.run(["-q", "register", "new@example.com"])
    try refused(walk, ["recover", "new@example.com"], 77, "not confirmed")
    try walk.run(["-q", "recover", "me@example.com"])
    let mail = try walk.run(["mail", "show"]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let code = try #require(Walk.line("Code", in: mail))
    let wrong = code == "000000" ? "111111" : "000000"
    for bad in ["12345", "1234567", "12a456", ""] {
      try refused(walk, ["reset", token, "--code", bad], 65, "malformed code")
    }
    try refused(walk, ["reset", token], 64, "terminal")
    for i in 1...5 {
      let r = try walk.run(["reset", token, "--code", wrong], expect: 77)
      #expect(r.stderr.contains("wrong code"), "\(i): \(r.stderr)")
    }
    try refused(walk, ["reset", token, "--code", code], 77, "too many wrong codes")
    // A new request replaces the old token; the new one works once.
    try walk.run(["-q", "recover", "me@example.com"])
    let mail2 = try walk.run(["mail", "show"]).stdout
    let token2 = try #require(Walk.line("Token", in: mail2))
    let code2 = try #require(Walk.line("Code", in: mail2))
    try refused(walk, ["reset", token, "--code", code2], 77, "already used")
    let chosen = "a brand new passphrase"
    try walk.run(
      ["-q", "reset", token2, "--code", code2, "--password-stdin"], stdin: chosen + "\n")
    #expect(try walk.run(["mail", "show"]).stdout.contains("Subject: Your password was changed"))
    try refused(walk, ["reset", token2, "--code", code2], 77, "already used")
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: chosen + "\n")
  }

  @Test func originalAppTokensInterchange() throws {
    let (walk, _) = try Self.confirmedAccount(["AUTHCTL_TOKEN_ISSUER": "DarkEngine"])
    let id = try #require(try walk.value("SELECT id FROM users"))
    // A reset token in the original app's shape, made by PyJWT, with the code in clear.
    let make = """
      import jwt, sys, time, uuid
      now = int(time.time())
      print(jwt.encode({"iss": "DarkEngine", "aud": ["purpose:reset_password"], "iat": now, "exp": now + 1800,
        "sub": {"email": "me@example.com", "user_id": sys.argv[2]}, "code": "123456"}, sys.argv[1],
        algorithm="HS256", headers={"kid": str(uuid.uuid5(uuid.NAMESPACE_DNS, "me@example.com"))}))
      """
    let token = try python(make, [Self.secret, id]).stdout.trimmingCharacters(
      in: .whitespacesAndNewlines)
    // A wrong code is counted (a code row for the token, SECURITY.md §18): the database changes.
    let wrong = try walk.run(["reset", token, "--code", "654321"], expect: 77)
    #expect(wrong.stderr.contains("wrong code"), "\(wrong.stderr)")
    // Used within its own second or later, it works once (no sleep needed any more: §18).
    try walk.run(["-q", "reset", token, "--code", "123456"])
    try refused(walk, ["reset", token, "--code", "123456"], 77, "already used")
    // A token authctl issues decodes with PyJWT as the original would.
    try walk.run(["-q", "recover", "me@example.com"])
    let ours = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    let decoded = try python(
      """
      import jwt, sys
      c = jwt.decode(sys.argv[2], sys.argv[1], algorithms=["HS256"], audience="purpose:reset_password", issuer="DarkEngine")
      h = jwt.get_unverified_header(sys.argv[2])
      print(c["sub"]["email"], c["sub"]["user_id"], h["kid"], "code" in c)
      """, [Self.secret, ours])
    #expect(decoded.status == 0, "\(decoded.stderr)")
    #expect(decoded.stdout.hasPrefix("me@example.com \(id) \(UUID5.dns("me@example.com")) False"))
  }

  @Test func passwdCodeLimit() throws {
    let (walk, password) = try Self.confirmedAccount()
    try walk.run(["passwd", "--request", "--password-stdin"], stdin: password + "\n", expect: 77)
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: password + "\n")
    try walk.run(
      ["passwd", "--request", "--password-stdin"], stdin: "not the password\n", expect: 77)
    try walk.run(["-q", "passwd", "--request", "--password-stdin"], stdin: password + "\n")
    let code = try #require(Walk.line("Code", in: try walk.run(["mail", "show"]).stdout))
    let wrong = code == "000000" ? "111111" : "000000"
    let next = "the next passphrase 42"
    try refused(walk, ["passwd", "--code", "12"], stdin: next + "\n", 64, "--password-stdin")
    try refused(
      walk, ["passwd", "--code", "12", "--password-stdin"], stdin: next + "\n", 65, "malformed code"
    )
    try refused(
      walk, ["passwd", "--code", code, "--password-stdin"], stdin: "short\n", 65, "too short")
    for _ in 1...5 {
      try walk.run(["passwd", "--code", wrong, "--password-stdin"], stdin: next + "\n", expect: 77)
    }
    try refused(
      walk, ["passwd", "--code", code, "--password-stdin"], stdin: next + "\n", 77, "too many")
    try walk.run(["whoami"])
  }
}

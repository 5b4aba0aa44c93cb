import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 5's acceptance: a new user walks every flow through the built binary, against a real
/// SMTP server (aiosmtpd), and on the local mailbox as the README shows a newcomer.
@Suite(.serialized) struct WalkTests {
  static let secret = "walk-test-secret-0123456789abcdef0123456789"

  @Test(arguments: StoreKind.available)
  func walkThroughSMTP(store: StoreKind) throws {
    let server = try SMTPTestServer()
    let walk = try Walk(
      env: [
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": String(server.port),
        "MAIL_DEFAULT_SENDER": "accounts@example.com", "APP_URL": "http://127.0.0.1:5000/",
        "JWT_SECRET": Self.secret,
      ], store: store)
    var seen = 0
    func nextMail(_ subject: String, sourceLocation: SourceLocation = #_sourceLocation) throws
      -> SMTPTestServer.ReceivedMessage
    {
      let all = try server.received()
      #expect(all.count == seen + 1, "one new mail", sourceLocation: sourceLocation)
      seen = all.count
      let m = all.last!
      #expect(m.subject == subject, sourceLocation: sourceLocation)
      #expect(m.rcptTos == ["new@example.com"], sourceLocation: sourceLocation)
      #expect(m.mailFrom == "accounts@example.com", sourceLocation: sourceLocation)
      return m
    }
    let email = "new@example.com"

    // register: a new account, not activated, its confirmation mailed with a password.
    let reg = try walk.run(["register", " New@Example.com "])
    let id = reg.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 36 && id.split(separator: "-").count == 5, "a UUID: \(id)")
    let confirmMail = try nextMail("Confirm your account")
    let body = confirmMail.body ?? ""
    let token = try #require(walk.remember(Walk.line("Token", in: body)))
    let password = try #require(walk.remember(Walk.line("Password", in: body)))
    #expect(password.count == 16 && password.allSatisfy { $0.isLetter || $0.isNumber })
    #expect(body.contains("authctl confirm \(token)"))
    let link = try #require(Walk.lineStarting("http://127.0.0.1:5000/activate_account?", in: body))
    #expect(link.contains("electric_mail=%242b%24") && link.hasSuffix("&token=\(token)"))
    #expect(try walk.value("SELECT activated_at FROM users WHERE id = ?1", [.text(id)]) == nil)
    #expect(try walk.value("SELECT email FROM users WHERE id = ?1", [.text(id)]) == email)
    #expect(try walk.value("SELECT password FROM users")?.hasPrefix("$2b$04$") == true)

    // confirm with the whole pasted link.
    try walk.run(["confirm", link])
    _ = try nextMail("Your account is activated")
    let activated = try #require(try walk.value("SELECT activated_at FROM users"))
    #expect(Timestamp.parse(activated) != nil, "ISO-8601: \(activated)")

    // login with the mailed password; whoami.
    try walk.run(["login", email, "--password-stdin"], stdin: password + "\n")
    let attrs = try FileManager.default.attributesOfItem(atPath: walk.session)
    #expect((attrs[.posixPermissions] as? Int) == 0o600)
    #expect(try walk.value("SELECT last_login_at FROM users") != nil)
    #expect(try walk.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL") == 1)
    let who = try walk.run(["whoami", "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: who.stdoutData) as! [String: Any]
    #expect(obj["email"] as? String == email && obj["status"] as? String == "active")
    #expect(obj["id"] as? String == id)

    // passwd, scripted: the current password, the mailed code, the new password.
    try walk.run(["passwd", "--request", "--password-stdin"], stdin: password + "\n")
    let code = try #require(
      walk.remember(
        Walk.line("Code", in: try nextMail("Your code to change the password").body ?? "")))
    #expect(code.count == 6 && code.allSatisfy(\.isNumber))
    let oldHash = try walk.value("SELECT password FROM users")
    let second = "walk second passphrase 2"
    walk.secrets.append(second)
    try walk.run(["passwd", "--code", code, "--password-stdin"], stdin: second + "\n")
    _ = try nextMail("Your password was changed")
    #expect(try walk.value("SELECT password FROM users") != oldHash)
    #expect(!FileManager.default.fileExists(atPath: walk.session), "logged out")
    #expect(try walk.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL") == 0)
    try walk.run(["whoami"], expect: 77)
    try walk.run(["login", email, "--password-stdin"], stdin: password + "\n", expect: 77)

    // login with the new password; passwd interactive on a pseudo-terminal.
    try walk.run(["login", email, "--password-stdin"], stdin: second + "\n")
    let third = "walk third passphrase 3"
    walk.secrets.append(third)
    let tty = try interactivePasswd(
      env: walk.env, directory: walk.dir.path, current: second, new: third,
      codeFromSpool: server.spoolPath)
    #expect(tty.status == 0, "\(tty.screen)")
    #expect(!tty.screen.contains(second) && !tty.screen.contains(third), "no echo")
    // The screen shows the code as the person typed it (codes echo, passwords do not).
    let codeMail = try server.received()[seen]
    #expect(codeMail.subject == "Your code to change the password")
    walk.secrets.append(Walk.line("Code", in: codeMail.body ?? "") ?? "")
    seen += 1
    _ = try nextMail("Your password was changed")
    #expect(!FileManager.default.fileExists(atPath: walk.session))

    // login, keep a copy of the session file, logout: the copy no longer works.
    try walk.run(["login", email, "--password-stdin"], stdin: third + "\n")
    let copy = try Data(contentsOf: URL(fileURLWithPath: walk.session))
    try walk.run(["logout"])
    #expect(!FileManager.default.fileExists(atPath: walk.session))
    _ = FileManager.default.createFile(
      atPath: walk.session, contents: copy, attributes: [.posixPermissions: 0o600])
    let refused = try walk.run(["whoami"], expect: 77)
    #expect(refused.stderr.contains("ended"), "\(refused.stderr)")

    // recover → reset with the code → login with the mailed password → logout.
    try walk.run(["recover", email])
    let recoverMail = try nextMail("Reset your password").body ?? ""
    let resetToken = try #require(walk.remember(Walk.line("Token", in: recoverMail)))
    let resetCode = try #require(walk.remember(Walk.line("Code", in: recoverMail)))
    let resetLink = try #require(
      Walk.lineStarting("http://127.0.0.1:5000/reset_password?", in: recoverMail))
    #expect(resetLink.hasSuffix("token=\(resetToken)"))
    #expect(!recoverMail.contains("code_hash") && !resetToken.contains(resetCode))
    try walk.run(["reset", resetLink, "--code", resetCode])
    let fresh = try #require(
      walk.remember(Walk.line("Password", in: try nextMail("Your new password").body ?? "")))
    try walk.run(["reset", resetLink, "--code", resetCode], expect: 77)
    try walk.run(["login", email, "--password-stdin"], stdin: fresh + "\n")
    try walk.run(["logout"])
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND body IS NULL") == 8)
    #expect(
      try walk.count("SELECT count(*) FROM outbox WHERE body IS NOT NULL") == 0, "bodies deleted")
    walk.scanPrinted()
  }

  /// The README's newcomer walk: no configuration, no mail server; mail lands in the local
  /// mailbox beside the database (for PostgreSQL, in the current folder) and `mail show`
  /// prints it.
  @Test(arguments: StoreKind.available)
  func walkOnTheLocalMailbox(store: StoreKind) throws {
    let dir = try TempDir("newcomer")
    // SQLite: the default ./authctl.sqlite; PostgreSQL: AUTHCTL_DB names a fresh database.
    let env =
      store == .postgres ? ["AUTHCTL_DB": try TestDatabase(.postgres, dir: dir).location] : [:]
    func run(_ args: [String], stdin: String? = nil, expect status: Int32 = 0) throws -> RunResult {
      let r = try authctl(args, environment: env, stdin: stdin, directory: dir.url)
      #expect(r.status == status, "\(args): \(r.stderr)")
      return r
    }
    let reg = try run(["register", "you@example.com"])
    #expect(reg.stderr.contains("authctl.mbox"), "says where the mail went: \(reg.stderr)")
    #expect(
      FileManager.default.fileExists(atPath: dir.file("authctl.sqlite")) == (store == .sqlite))
    let shown = try run(["mail", "show", "--last"]).stdout
    #expect(shown.contains("Subject: Confirm your account"))
    #expect(!shown.contains("=3D") && !shown.contains("=\n"), "decoded, not quoted-printable")
    let token = try #require(Walk.line("Token", in: shown))
    let password = try #require(Walk.line("Password", in: shown))
    _ = try run(["confirm", token])
    #expect(try run(["mail", "show", "--to", "you@example.com"]).stdout.contains("activated"))
    let session = ["--session-file", dir.file("session")]
    _ = try run(["login", "you@example.com", "--password-stdin"] + session, stdin: password + "\n")
    #expect(try run(["whoami"] + session).stdout == "you@example.com\n")
    _ = try run(["logout"] + session)
    _ = try run(["whoami"] + session, expect: 77)
    // Python's mailbox module reads the mbox the same way.
    let count = try python(
      "import mailbox, sys; print(len(mailbox.mbox(sys.argv[1])))", [dir.file("authctl.mbox")])
    #expect(count.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16's validity windows and required password changes through the built binary: the
/// operator's commands, what login, whoami, recover and reset then say (77 and why), the
/// listing by status, and the `expires_at` column of import and export. Times are moved in
/// the database by hand, never waited for.
@Suite struct LifecycleTests {
  static let email = "ann@example.com"

  /// A walk with a confirmed account, logged in; returns the walk and the password.
  func confirmed(_ email: String = email, walk: Walk? = nil) throws -> (Walk, String) {
    let w = try walk ?? Walk()
    try w.run(["register", email])
    let mail = try w.run(["mail", "show", "--to", email]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let password = try #require(Walk.line("Password", in: mail))
    try w.run(["confirm", "-"], stdin: token + "\n")
    return (w, password)
  }

  @Test func anExpiredAccountCannotAuthenticateAndItsSessionEnds() throws {
    let (w, password) = try confirmed()
    try w.run(["login", Self.email, "--password-stdin"], stdin: password + "\n")
    // A reset asked for while the account was valid.
    try w.run(["recover", Self.email])
    let reset = try w.run(["mail", "show", "--to", Self.email]).stdout
    let expire = try w.run(["users", "expire", Self.email, "--at", "2999-12-31T18:00:00Z"])
    #expect(expire.stdout.contains("2999-12-31T18:00:00Z"))
    try w.run(["whoami"])
    // The end comes (moved by hand): the session ends at it.
    try w.connection().run("UPDATE users SET expires_at = '2001-01-01T00:00:00Z'")
    let who = try w.run(["whoami"], expect: 77)
    #expect(who.stderr.contains("account expired"), "\(who.stderr)")
    let login = try w.run(
      ["login", Self.email, "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(login.stderr.contains("account expired"))
    let wrong = try w.run(
      ["login", Self.email, "--password-stdin"], stdin: "wrong password!\n", expect: 77)
    #expect(wrong.stderr.contains("wrong password") && !wrong.stderr.contains("expired"))
    #expect(try w.run(["recover", Self.email], expect: 77).stderr.contains("account expired"))
    let token = try #require(Walk.line("Token", in: reset))
    let code = try #require(Walk.line("Code", in: reset))
    let r = try w.run(["reset", "-", "--code", code], stdin: token + "\n", expect: 77)
    #expect(r.stderr.contains("account expired"))
    let listed = try w.run(["users", "list", "--status", "expired", "--format", "jsonl"]).stdout
    #expect(
      listed.contains("\"email\":\"\(Self.email)\"") && listed.contains("\"status\":\"expired\""))
    let show = try w.run(["users", "show", Self.email, "--format", "json"]).stdoutData
    let obj = try JSONSerialization.jsonObject(with: show) as! [String: Any]
    #expect(
      obj["expires_at"] as? String == "2001-01-01T00:00:00Z"
        && obj["status"] as? String == "expired")
    // Never again: it may log in.
    try w.run(["users", "expire", Self.email, "--at", "never"])
    try w.run(["login", Self.email, "--password-stdin"], stdin: password + "\n")
    // An end set in the past ends the live sessions at once.
    try w.run(["users", "expire", Self.email, "--at", "now"])
    #expect(try w.run(["whoami"], expect: 77).stderr.contains("account expired"))
    // Both sessions: the one the moved end refused (never revoked), and the new one.
    #expect(
      try w.count("SELECT count(*) FROM sessions WHERE revoked_reason = 'account expired'") == 2)
    #expect(try w.count("SELECT count(*) FROM audit WHERE event = 'admin.expire'") == 3)
  }

  @Test func anAccountNotYetValid() throws {
    let (w, password) = try confirmed()
    try w.run(["users", "valid-from", Self.email, "2999-01-01"])
    let login = try w.run(
      ["login", Self.email, "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(login.stderr.contains("account not yet valid"))
    #expect(
      try w.run(["users", "list", "--status", "not-yet-valid", "--format", "csv"]).stdout
        .contains(Self.email))
    try w.connection().run("UPDATE users SET valid_from = '2001-01-01T00:00:00Z'")
    try w.run(["login", Self.email, "--password-stdin"], stdin: password + "\n")
    try w.run(["users", "valid-from", Self.email, "now"])
    #expect(try w.value("SELECT valid_from FROM users") == nil, "'now' clears the start")
  }

  @Test func badLifecycleCommandLines() throws {
    let (w, _) = try confirmed()
    try w.run(["users", "expire", Self.email], expect: 64)
    try w.run(["users", "expire", Self.email, "--at", "tomorrow"], expect: 64)
    try w.run(["users", "valid-from", Self.email, "never"], expect: 64)
    try w.run(["users", "expire", "nobody@example.com", "--at", "never"], expect: 67)
    try w.run(["users", "require-reset"], expect: 64)
    try w.run(["users", "require-reset", Self.email, "--all"], expect: 64)
    try w.run(
      ["users", "require-reset", Self.email, "--reason", String(repeating: "x", count: 201)],
      expect: 65)
    try w.run(["users", "list", "--status", "someday"], expect: 64)
    let again = try w.run(["users", "expire", Self.email, "--at", "never"])
    #expect(again.stderr.contains("nothing changed"))
  }

  @Test func importAndExportCarryExpiresAt() throws {
    let w = try Walk()
    let file = w.dir.file("in.csv")
    try """
    email,password_hash,activated_at,created_at,expires_at
    c1@example.com,,2021-06-10T14:23:11Z,,2030-01-31T17:00:00+01:00
    c2@example.com,,,,
    """.write(toFile: file, atomically: true, encoding: .utf8)
    try w.run(["users", "import", file])
    #expect(
      try w.value("SELECT expires_at FROM users WHERE email = 'c1@example.com'")
        == "2030-01-31T16:00:00Z")
    #expect(
      try w.value("SELECT activated_at FROM users WHERE email = 'c1@example.com'")
        == "2021-06-10T14:23:11+00:00")
    let csv = try w.run(["users", "export"]).stdout
    #expect(csv.hasPrefix("email,password_hash,activated_at,created_at,expires_at\r\n"))
    #expect(
      csv.contains("c1@example.com,,2021-06-10T14:23:11+00:00,")
        && csv.contains(",2030-01-31T16:00:00Z\r\n"))
    // The export reads back; the four columns of earlier versions still do.
    let other = try Walk()
    let back = other.dir.file("back.csv")
    try csv.write(toFile: back, atomically: true, encoding: .utf8)
    try other.run(["users", "import", back])
    #expect(try other.run(["users", "export"]).stdout == csv)
    let old = other.dir.file("old.csv")
    try "email,password_hash,activated_at,created_at\nc3@example.com,,,\n".write(
      toFile: old, atomically: true, encoding: .utf8)
    try other.run(["users", "import", old])
    let bad = other.dir.file("bad.csv")
    try "email,password_hash,activated_at,created_at,expires_at\nc4@example.com,,,,soon\n".write(
      toFile: bad, atomically: true, encoding: .utf8)
    #expect(try other.run(["users", "import", bad], expect: 65).stderr.contains("expires_at"))
  }

  @Test func aRequiredResetIsMailedAtLoginAndTheResetClearsIt() throws {
    let (w, password) = try confirmed()
    _ = try confirmed("bob@example.com", walk: w)
    try w.run(["login", Self.email, "--password-stdin"], stdin: password + "\n")
    try w.run(["users", "require-reset", Self.email, "--reason", "the May leak"])
    #expect(try w.run(["whoami"], expect: 77).stderr.contains("password change required"))
    let mails = try w.count("SELECT count(*) FROM outbox")
    try w.run(["login", Self.email, "--password-stdin"], stdin: "a wrong password\n", expect: 77)
    #expect(try w.count("SELECT count(*) FROM outbox") == mails, "no reset for a wrong password")
    let r = try w.run(
      ["login", Self.email, "--password-stdin"], stdin: password + "\n", expect: 77)
    #expect(r.stderr.contains("password change required (the May leak)"), "\(r.stderr)")
    #expect(r.stderr.contains("authctl reset") && r.stderr.contains("mailbox"))
    #expect(
      try w.count("SELECT count(*) FROM sessions WHERE revoked_at IS NULL") == 0, "no session")
    let listed = try w.run(["users", "list", "--status", "must-reset", "--format", "csv"]).stdout
    #expect(listed.contains(Self.email) && !listed.contains("bob@example.com"))
    let mail = try w.run(["mail", "show", "--to", Self.email]).stdout
    #expect(mail.contains("Subject: Reset your password"))
    let token = try #require(w.remember(Walk.line("Token", in: mail)))
    let code = try #require(w.remember(Walk.line("Code", in: mail)))
    let fresh = "a brand new passphrase 16"
    try w.run(["reset", "-", "--code", code, "--password-stdin"], stdin: "\(token)\n\(fresh)\n")
    try w.run(["login", Self.email, "--password-stdin"], stdin: fresh + "\n")
    #expect(
      try w.value("SELECT must_reset_at FROM users WHERE email = ?1", [.text(Self.email)]) == nil)
    // --all marks every account, ends every session.
    let all = try w.run(["users", "require-reset", "--all"])
    #expect(all.stdout.contains("2 account(s)") && all.stdout.contains("1 session(s)"))
    try w.run(["whoami"], expect: 77)
    let marked = try w.run(["users", "list", "--status", "must-reset", "--format", "csv"]).stdout
    #expect(marked.contains(Self.email) && marked.contains("bob@example.com"), "\(marked)")
    w.secrets += [password, fresh]
    w.scanPrinted()
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// The operator's commands of issue 6 through the binary: users show, disable, enable,
/// unlock, delete, purge, import, export, and log.
@Suite struct OperatorTests {
  let dir: TempDir
  let db: String

  init() throws {
    dir = try TempDir()
    db = dir.file("ops.sqlite")
    #expect(try authctl(["--db", db, "-q", "migrate"]).status == 0)
  }

  @discardableResult
  func ok(_ args: [String], stdin: String? = nil) throws -> RunResult {
    let r = try authctl(["--db", db] + args, stdin: stdin)
    #expect(r.status == 0, "\(args): \(r.stderr)")
    return r
  }

  func count(_ sql: String) throws -> Int64 {
    let conn = try Connection(path: db, create: false)
    return try conn.first(sql) { $0.int(0) } ?? -1
  }

  @discardableResult
  func importCSV(_ text: String, _ extra: [String] = []) throws -> RunResult {
    let file = dir.file("in-\(UUID().uuidString).csv")
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return try authctl(["--db", db, "users", "import", file] + extra)
  }

  static let header = "email,password_hash,activated_at,created_at\n"
  static let bcrypt = "$2b$04$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2"

  @Test func importIsAllOrNothing() throws {
    let bad = try importCSV(
      Self.header + "one@example.com,,,\ntwo@example.com,\(Self.bcrypt),2021-06-10T14:23:11.5,\n"
        + "not an email,,,\n")
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("line 4"), "the header is line 1: \(bad.stderr)")
    #expect(try count("SELECT count(*) FROM users") == 0, "a bad row at the end leaves nothing")
    let worse = try importCSV(
      Self.header + "a@example.com,nohash,,\na@example.com,,yesterday,\nb@example.com,,,\"x\n")
    #expect(worse.status == 65)
    for line in ["line 2", "line 3", "line 4"] { #expect(worse.stderr.contains(line), "\(line)") }
    #expect(try count("SELECT count(*) FROM users") == 0)
  }

  @Test func importExportRoundTrip() throws {
    let r = try importCSV(
      Self.header + "One@Example.com,\(Self.bcrypt),2021-06-10T14:23:11.123456,2021-06-01\n"
        + "two@example.com,,,\n")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("imported 2"))
    let again = try importCSV(Self.header + "one@example.com,,,\nthree@example.com,,,\n")
    #expect(again.status == 65, "present emails refused without --skip-existing")
    let skip = try importCSV(
      Self.header + "one@example.com,,,\nthree@example.com,,,\n", ["--skip-existing"])
    #expect(skip.status == 0 && skip.stdout.contains("skipped 1"), "\(skip.stdout)")
    let csv = try ok(["users", "export", "--with-password-hashes"]).stdout
    #expect(csv.hasPrefix("email,password_hash,activated_at,created_at,expires_at\r\n"))
    #expect(
      csv.contains(
        "one@example.com,\(Self.bcrypt),2021-06-10T14:23:11+00:00,2021-06-01T00:00:00Z,\r\n"))
    let plain = try ok(["users", "export"]).stdout
    #expect(!plain.contains("$2b$"), "hashes only on request")
    let jsonl = try ok(["users", "export", "--format", "jsonl", "--with-password-hashes"]).stdout
    let lines = jsonl.split(separator: "\n")
    #expect(lines.count == 3)
    // The export reads back into a fresh database unchanged.
    let other = dir.file("other.sqlite")
    let file = dir.file("out.jsonl")
    try jsonl.write(toFile: file, atomically: true, encoding: .utf8)
    let back = try authctl(["--db", other, "-q", "users", "import", file])
    #expect(back.status == 0, "\(back.stderr)")
    let again2 = try authctl(
      ["--db", other, "users", "export", "--format", "jsonl", "--with-password-hashes"])
    #expect(again2.stdout == jsonl)
  }

  @Test func importShadowHashesAndStdin() throws {
    let sha512 = try run("/usr/bin/openssl", ["passwd", "-6", "-salt", "saltsalt", "secret"])
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let r = try authctl(
      ["--db", db, "users", "import", "-", "--format", "jsonl"],
      stdin: "{\"email\":\"shadow@example.com\",\"password_hash\":\"\(sha512)\"}\n")
    #expect(r.status == 0, "\(r.stderr)")
    let bad = try authctl(
      ["--db", db, "users", "import", "-", "--format", "jsonl"],
      stdin: "{\"email\":\"x@example.com\",\"password_hash\":\"$1$md5$nope\"}\n{\"email\":1}\n")
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("line 1") && bad.stderr.contains("line 2"), "\(bad.stderr)")
    let missing = try authctl(["--db", db, "users", "import", dir.file("nope.csv")])
    #expect(missing.status == 66)
  }

  @Test func showDisableEnableUnlockDelete() throws {
    try importCSV(Self.header + "a@example.com,\(Self.bcrypt),2021-06-10T14:23:11Z,\n")
    let show = try ok(["users", "show", "A@example.com", "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: show.stdoutData) as! [String: Any]
    #expect(obj["status"] as? String == "active")
    #expect(obj["live_sessions"] as? Int == 0)
    #expect(!show.stdout.contains("$2b$"), "never the hash")
    let id = obj["id"] as! String
    #expect(try ok(["users", "show", id]).stdout.contains("a@example.com"), "by id too")
    #expect(try authctl(["--db", db, "users", "show", "nobody@example.com"]).status == 67)
    #expect(try authctl(["--db", db, "users", "show", " "]).status == 65, "empty is bad input")
    try ok(["users", "disable", "a@example.com"])
    #expect(try count("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL") == 1)
    let twice = try ok(["users", "disable", "a@example.com"])
    #expect(twice.stderr.contains("already disabled"))
    try ok(["users", "enable", "a@example.com"])
    #expect(try count("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL") == 0)
    let conn = try Connection(path: db, create: false)
    try conn.run(
      "UPDATE users SET failed_logins = 10, locked_until = '2999-01-01T00:00:00Z'")
    #expect(try ok(["users", "show", "a@example.com"]).stdout.contains("locked"))
    try ok(["users", "unlock", "a@example.com"])
    #expect(
      try count("SELECT count(*) FROM users WHERE locked_until IS NULL AND failed_logins = 0") == 1)
    let refused = try authctl(["--db", db, "users", "delete", "a@example.com"])
    #expect(refused.status == 64, "no terminal and no --yes: \(refused.stderr)")
    #expect(try count("SELECT count(*) FROM users") == 1, "nothing deleted")
    try ok(["users", "delete", "a@example.com", "--yes"])
    #expect(try count("SELECT count(*) FROM users") == 0)
    #expect(try count("SELECT count(*) FROM audit WHERE event = 'admin.delete'") == 1, "audit kept")
    #expect(try authctl(["--db", db, "users", "delete", "a@example.com", "--yes"]).status == 67)
  }

  @Test func purgeOnlyOldUnconfirmed() throws {
    try importCSV(
      Self.header + "old@example.com,,,2020-01-01\nnew@example.com,,,\n"
        + "oldconfirmed@example.com,,2020-02-01,2020-01-01\n")
    let dry = try ok(["users", "purge", "--unconfirmed", "--older-than", "7d", "--dry-run"])
    #expect(dry.stdout == "old@example.com\n")
    #expect(try count("SELECT count(*) FROM users") == 3, "a dry run removes nothing")
    let json = try ok(["users", "purge", "--unconfirmed", "--older-than", "7d", "--format", "json"])
    let obj = try JSONSerialization.jsonObject(with: json.stdoutData) as! [String: Any]
    #expect(obj["removed"] as? Int == 1)
    #expect(obj["emails"] as? [String] == ["old@example.com"])
    #expect(try count("SELECT count(*) FROM users") == 2)
    let none = try ok(["users", "purge", "--unconfirmed", "--older-than", "7d"])
    #expect(none.stdout.contains("removed 0"), "nothing to purge is success")
    #expect(try count("SELECT count(*) FROM audit WHERE event = 'admin.purge'") == 2)
    #expect(try authctl(["--db", db, "users", "purge", "--older-than", "7d"]).status == 64)
    #expect(try authctl(["--db", db, "users", "purge", "--unconfirmed"]).status == 64)
    #expect(
      try authctl(["--db", db, "users", "purge", "--unconfirmed", "--older-than", "7x"]).status
        == 64)
  }

  @Test func logFilters() throws {
    try importCSV(Self.header + "a@example.com,,,\n")
    try ok(["users", "disable", "a@example.com"])
    try ok(["users", "disable", "a@example.com"])
    let all = try ok(["log", "--format", "json"])
    let rows = try JSONSerialization.jsonObject(with: all.stdoutData) as! [[String: Any]]
    #expect(
      rows.map { $0["event"] as! String } == ["admin.import", "admin.disable", "admin.disable"])
    let mine = try ok(["log", "--user", "A@example.com", "--format", "jsonl"])
    #expect(mine.stdout.split(separator: "\n").count == 2)
    let ev = try ok(["log", "--event", "admin.import", "--format", "jsonl"])
    #expect(ev.stdout.split(separator: "\n").count == 1)
    let future = try ok(["log", "--since", "2999-01-01", "--format", "jsonl"])
    #expect(future.stdout.isEmpty)
    #expect(try authctl(["--db", db, "log", "--since", "yesterday"]).status == 64)
  }

  @Test func shadowHashImportedThenLoggedInIsRehashed() throws {
    let sha512 = try run(
      "/usr/bin/openssl", ["passwd", "-6", "-salt", "saltsalt", "old shadow password"]
    )
    .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try importCSV(Self.header + "shadow@example.com,\(sha512),2020-01-01T00:00:00Z,\n")
    let session = ["--session-file", dir.file("session")]
    let wrong = try authctl(
      ["--db", db, "login", "shadow@example.com", "--password-stdin"] + session, stdin: "nope\n")
    #expect(wrong.status == 77)
    let r = try authctl(
      ["--db", db, "login", "shadow@example.com", "--password-stdin"] + session,
      stdin: "old shadow password\n")
    #expect(r.status == 0, "\(r.stderr)")
    let conn = try Connection(path: db, create: false)
    let stored = try conn.first("SELECT password FROM users") { $0.text(0) }
    #expect(stored?.hasPrefix("$2b$04$") == true, "rehashed to bcrypt at the configured cost")
    let again = try authctl(
      ["--db", db, "login", "shadow@example.com", "--password-stdin"] + session,
      stdin: "old shadow password\n")
    #expect(again.status == 0, "the new hash verifies")
    let costly = try authctl(
      ["--db", db, "login", "shadow@example.com", "--password-stdin"] + session,
      environment: ["AUTHCTL_BCRYPT_COST": "5"], stdin: "old shadow password\n")
    #expect(costly.status == 0)
    #expect(
      try conn.first("SELECT password FROM users") { $0.text(0) }?.hasPrefix("$2b$05$") == true,
      "a cost change rehashes at the next login")
  }

  @Test func confirmAndSetPasswordByOperator() throws {
    try importCSV(Self.header + "op@example.com,,,\n")
    let env = ["AUTHCTL_DB": db]
    let confirm = try authctl(["users", "confirm", "op@example.com", "--notify"], environment: env)
    #expect(confirm.status == 0, "\(confirm.stderr)")
    #expect(try count("SELECT count(*) FROM users WHERE activated_at IS NOT NULL") == 1)
    let shown = try authctl(["mail", "show", "--to", "op@example.com"], environment: env)
    #expect(shown.stdout.contains("Subject: Your account is activated"))
    let twice = try authctl(["users", "confirm", "op@example.com"], environment: env)
    #expect(twice.status == 0 && twice.stderr.contains("already confirmed"))
    #expect(
      try authctl(["users", "set-password", "op@example.com"], environment: env).status == 64)
    #expect(
      try authctl(
        ["users", "set-password", "op@example.com", "--generate", "--password-stdin"],
        environment: env, stdin: "x\n"
      ).status == 64)
    let weak = try authctl(
      ["users", "set-password", "op@example.com", "--password-stdin"], environment: env,
      stdin: "short\n")
    #expect(weak.status == 65)
    let generated = try authctl(
      ["users", "set-password", "op@example.com", "--generate"], environment: env)
    #expect(generated.status == 0, "\(generated.stderr)")
    let mail = try authctl(["mail", "show", "--to", "op@example.com"], environment: env).stdout
    let password = try #require(Walk.line("Password", in: mail))
    #expect(!generated.allOutput.contains(password), "never printed")
    let login = try authctl(
      ["login", "op@example.com", "--password-stdin", "--session-file", dir.file("s")],
      environment: env, stdin: password + "\n")
    #expect(login.status == 0, "\(login.stderr)")
    let chosen = try authctl(
      ["users", "set-password", "op@example.com", "--password-stdin"], environment: env,
      stdin: "an operator chosen passphrase\n")
    #expect(chosen.status == 0)
    let ended = try authctl(["whoami", "--session-file", dir.file("s")], environment: env)
    #expect(ended.status == 77, "sessions end when an operator sets the password")
  }
}

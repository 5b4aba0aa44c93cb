import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 11, items 6, 7, 8, 9, 12 and 15, through the built binary: hashes from input are
/// checked at a bounded cost outside the write lock, text from outside is escaped before it
/// reaches a terminal, CSV cells cannot run as formulas, passwords are never cut or altered,
/// every input is capped, and tokens can come on stdin.
@Suite(.tags(.slow)) struct SecurityInputTests {
  static let secret = "security-input-tests-secret-0123456789"
  static let password = "correct horse battery 9"

  /// A walk with `me@example.com` registered (chosen password) but not confirmed, and its
  /// confirmation token.
  static func registered(_ extra: [String: String] = [:]) throws -> (Walk, String) {
    let walk = try Walk(env: ["JWT_SECRET": secret].merging(extra) { $1 })
    try walk.run(["-q", "register", "me@example.com", "--password-stdin"], stdin: password + "\n")
    let token = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    return (walk, token)
  }

  /// A link of the original app carrying `electric`.
  static func link(_ path: String, token: String, electric: String) -> String {
    let query = electric.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? electric
    return "https://app.example/\(path)?electric_mail=\(query)&token=\(token)"
  }

  /// A bcrypt-shaped hash of `cost` (never computed: the shape is all the bound looks at).
  static func bcryptShaped(cost: Int) -> String {
    "$2b$\(cost)$" + String(repeating: "A", count: 53)
  }

  /// Runs the binary with raw bytes on stdin (which a String cannot hold).
  static func runBytes(_ args: [String], env: [String: String], stdin: [UInt8], in dir: TempDir)
    throws -> RunResult
  {
    let file = dir.file("stdin-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: file, contents: Data(stdin))
    var all = env
    all["AUTHCTL_BCRYPT_COST"] = all["AUTHCTL_BCRYPT_COST"] ?? "4"
    return try run(
      "/bin/sh", ["-c", "exec \"$0\" \"$@\" < \"$STDIN_FILE\"", authctlPath] + args,
      environment: all.merging(["STDIN_FILE": file]) { $1 }, directory: dir.url)
  }

  // MARK: 6. No slow work inside the write lock

  /// A cost-18 `electric_mail` is refused (65) at once, before any transaction: an unrelated
  /// `register` started beside it exits 0 within 1 s. Other hashes and shapes are refused
  /// too; a right cheap one still confirms, a wrong one is 77.
  @Test func electricMailIsBoundedBeforeTheWriteLock() throws {
    let (walk, token) = try Self.registered()
    let expensive = Self.link(
      "activate_account", token: token, electric: Self.bcryptShaped(cost: 18))
    let confirm = try SpawnedProcess(
      ["confirm", expensive], environment: walk.env, directory: walk.dir.url, scratch: walk.dir)
    let started = Date()
    let writer = try SpawnedProcess(
      ["-q", "register", "other@example.com"], environment: walk.env, directory: walk.dir.url,
      scratch: walk.dir)
    writer.wait()
    let writerWait = Date().timeIntervalSince(started)
    confirm.wait()
    let refusal = Date().timeIntervalSince(started)
    print(
      "item 6: writer (register) finished after \(writerWait) s; cost-18 refusal after \(refusal) s"
    )
    #expect(writer.status == 0, "\(writer.stderr)")
    #expect(writerWait < 1.0, "the unrelated writer waited \(writerWait) s")
    #expect(confirm.status == 65, "\(confirm.stderr)")
    #expect(confirm.stderr.contains("cost 18"), "\(confirm.stderr)")
    #expect(refusal < 1.0, "the refusal took \(refusal) s: the hash was computed")

    for electric in [
      "$6$rounds=999999999$salt$" + String(repeating: "a", count: 86),
      Self.bcryptShaped(cost: 15), "$1$md5$nope", "not a hash",
    ] {
      let r = try walk.run(
        ["confirm", Self.link("activate_account", token: token, electric: electric)], expect: 65)
      #expect(r.stderr.contains("electric_mail"), "\(r.stderr)")
    }
    // A configured cost above 14 raises the bound: cost 15 is then checked (a shape only, so
    // it does not match: 77), no longer refused as bad input.
    let higher = walk.env.merging(["AUTHCTL_BCRYPT_COST": "15"]) { $1 }
    let checked = try authctl(
      [
        "confirm",
        Self.link("activate_account", token: token, electric: Self.bcryptShaped(cost: 15)),
      ],
      environment: higher, directory: walk.dir.url)
    #expect(checked.status == 77, "\(checked.stderr)")
    let other = try PasswordHasher(cost: 4).hash("other@example.com")
    try walk.run(
      ["confirm", Self.link("activate_account", token: token, electric: other)], expect: 77)
    #expect(try walk.value("SELECT activated_at FROM users WHERE email = 'me@example.com'") == nil)
    let mine = try PasswordHasher(cost: 4).hash("me@example.com")
    let ok = try walk.run(["confirm", Self.link("activate_account", token: token, electric: mine)])
    #expect(ok.stdout.contains("confirmed me@example.com"))

    // The same bound on a reset link.
    try walk.run(["-q", "recover", "me@example.com"])
    let resetToken = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    let r = try walk.run(
      [
        "reset",
        Self.link("reset_password", token: resetToken, electric: Self.bcryptShaped(cost: 18)),
        "--code", "000000",
      ], expect: 65)
    #expect(r.stderr.contains("cost 18"), "\(r.stderr)")
  }

  /// `users import` refuses bcrypt above cost 16, sha-crypt above 5,000,000 rounds and
  /// yescrypt beyond cost 11, naming each line; `--allow-expensive-hashes` takes them, and a
  /// login against such a hash still works.
  @Test func importRefusesExpensiveHashesUnlessAllowed() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    let slowPassword = "slow but right 123"
    let crypt = try python(
      """
      import ctypes, sys
      lib = ctypes.CDLL("libcrypt.so.1")
      lib.crypt.restype = ctypes.c_char_p
      print(lib.crypt(sys.argv[1].encode(), b"$6$rounds=5000001$saltsalt$").decode())
      """, [slowPassword])
    let sha = crypt.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(sha.hasPrefix("$6$rounds=5000001$"), "\(crypt.stderr)")
    let csv =
      [
        "email,password_hash,activated_at,created_at",
        "cheap@example.com,\(Self.bcryptShaped(cost: 16)),2024-01-01T00:00:00Z,",
        "bcrypt@example.com,\(Self.bcryptShaped(cost: 17)),2024-01-01T00:00:00Z,",
        "sha@example.com,\(sha),2024-01-01T00:00:00Z,",
        "yes@example.com,$y$jzT$salt$\(String(repeating: "a", count: 43)),2024-01-01T00:00:00Z,",
        "fine@example.com,$6$rounds=5000000$salt$\(String(repeating: "a", count: 86)),,",
      ].joined(separator: "\n") + "\n"
    let file = walk.dir.file("import.csv")
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    let refused = try walk.run(["users", "import", file], expect: 65)
    for (line, text) in [(3, "cost 17"), (4, "5000001 rounds"), (5, "$y$")] {
      #expect(refused.stderr.contains("line \(line): password_hash is a"), "\(refused.stderr)")
      #expect(refused.stderr.contains(text), "\(refused.stderr)")
    }
    #expect(refused.stderr.contains("--allow-expensive-hashes"))
    #expect(!refused.stderr.contains("line 2") && !refused.stderr.contains("line 6"))
    #expect(try walk.count("SELECT count(*) FROM users") == 0)
    let taken = try walk.run(["users", "import", file, "--allow-expensive-hashes"])
    #expect(taken.stdout.contains("imported 5"), "\(taken.stdout)")
    let login = try walk.run(
      ["login", "sha@example.com", "--password-stdin"], stdin: slowPassword + "\n")
    #expect(login.stdout.contains("logged in as sha@example.com"))
  }

  // MARK: 7. Nothing from outside reaches a terminal raw

  /// A stored email and an audit reason holding ESC and a bidi override: tables, text and
  /// stderr show them escaped, JSON as `\u001b`/`\u202e`, CSV escaped; never a raw ESC.
  @Test func storedTextIsEscaped() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    try walk.run(["-q", "migrate"])
    let evil = "ev\u{1b}[31mil\u{202e}@example.com"
    let c = try walk.connection()
    _ = try c.run(
      """
      INSERT INTO users (id, email, created_at, updated_at)
      VALUES ('evil-id', ?1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')
      """, [.text(evil)])
    _ = try c.run(
      """
      INSERT INTO audit (at, event, user_id, email, outcome, reason)
      VALUES ('2024-01-01T00:00:00Z', 'login', 'evil-id', ?1, 'failed', ?2)
      """, [.text(evil), .text("bad \u{1b}]0;owned\u{07} reason\u{9b}2J")])
    var outputs: [(String, RunResult)] = []
    for args in [
      ["users", "list"], ["users", "list", "--format", "csv"], ["users", "show", "evil-id"],
      ["log"], ["users", "export"],
    ] {
      outputs.append((args.joined(separator: " "), try walk.run(args)))
    }
    for args in [["users", "list", "--format", "json"], ["log", "--format", "jsonl"]] {
      let r = try walk.run(args)
      outputs.append((args.joined(separator: " "), r))
      #expect(r.stdout.contains(#"\u001b"#), "\(args): \(r.stdout)")
    }
    // A value quoted on stderr: the argument of a command that finds no account.
    let missing = try walk.run(["users", "show", "x\u{1b}[2Jy"], expect: 67)
    #expect(missing.stderr.contains(#"x\e[2Jy"#), "\(missing.stderr)")
    outputs.append(("stderr", missing))
    let list = outputs[0].1.stdout
    #expect(list.contains(#"ev\e[31mil\u{202E}@example.com"#), "\(list)")
    #expect(
      outputs[3].1.stdout.contains(#"bad \e]0;owned\x07 reason\u{009B}2J"#),
      "\(outputs[3].1.stdout)")
    for (what, r) in outputs {
      for raw in ["\u{1b}", "\u{202e}", "\u{9b}", "\u{07}"] {
        #expect(!r.allOutput.contains(raw), "\(what) printed a raw control: \(r.allOutput)")
      }
    }
  }

  /// An SMTP server's reply holding ESC and BEL: escaped in the warning on stderr, in the
  /// MAIL_DEBUG transcript, in `mail queue` (table) and as `\u001b` in its JSON.
  @Test func serverRepliesAreEscaped() throws {
    let server = try SMTPTestServer(
      .init(
        faults: .init(
          rcptReplies: ["ann@example.com": 550], replyText: "no \u{1b}]0;owned\u{07} way")))
    let walk = try Walk()
    walk.useServer(server, ["MAIL_DEBUG": "true"])
    try walk.run(["migrate"])
    let r = try walk.run(["register", "ann@example.com"])
    #expect(r.stderr.contains(#"no \e]0;owned\x07 way"#), "\(r.stderr)")
    #expect(r.stderr.contains(#"S: 550 no \e]0;owned\x07 way"#), "the transcript: \(r.stderr)")
    let queue = try walk.run(["mail", "queue"])
    #expect(queue.stdout.contains(#"\e]0;owned\x07"#), "\(queue.stdout)")
    let json = try walk.run(["mail", "queue", "--format", "json"])
    #expect(json.stdout.contains(#"\u001b]0;owned\u0007 way"#), "\(json.stdout)")
    for out in [r.allOutput, queue.allOutput, json.allOutput] {
      #expect(!out.contains("\u{1b}") && !out.contains("\u{07}"), "\(out)")
    }
  }

  // MARK: 8. No CSV formula injection

  /// Cells starting with `= + - @` (and `'`) are prefixed with `'` in `users export` and
  /// `users list --format csv`; importing the export gives back exactly the same accounts.
  @Test func csvFormulaCellsAreDefusedAndRoundTrip() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    let emails = [
      "=cmd@example.com", "+sum@example.com", "-dash@example.com", "'quote@example.com",
      "plain@example.com",
    ]
    let jsonl =
      emails.map { #"{"email":"\#($0)","created_at":"2024-01-01T00:00:00Z"}"# }
      .joined(separator: "\n") + "\n"
    try walk.run(["-q", "users", "import", "-", "--format", "jsonl"], stdin: jsonl)
    let export = try walk.run(["users", "export"]).stdout
    let list = try walk.run(["users", "list", "--format", "csv"]).stdout
    for (email, cell) in [
      ("=cmd", "'=cmd"), ("+sum", "'+sum"), ("-dash", "'-dash"), ("'quote", "''quote"),
    ] {
      #expect(export.contains("\r\n\(cell)@example.com,"), "\(email): \(export)")
      #expect(list.contains(",\(cell)@example.com,"), "\(email): \(list)")
    }
    #expect(export.contains("\r\nplain@example.com,"))
    for line in (export + list).split(separator: "\r\n") {
      for cell in line.split(separator: ",") {
        #expect(
          !["=", "+", "-", "@", "\t", "\r"].contains(cell.first.map(String.init) ?? ""), "\(cell)")
      }
    }
    // Round trip: a second database from the CSV export holds the same rows.
    let copy = try Walk(env: ["JWT_SECRET": Self.secret])
    try copy.run(["-q", "users", "import", "-"], stdin: export)
    let original = try walk.run(["users", "export", "--format", "jsonl"]).stdout
    #expect(try copy.run(["users", "export", "--format", "jsonl"]).stdout == original)
    #expect(try copy.run(["users", "export"]).stdout == export)
  }

  // MARK: 9. Passwords are never silently truncated or altered

  /// With a 72-byte password, the same password plus more bytes (which bcrypt would cut back
  /// to the right one) is refused with 65 before any check, at login and at `passwd
  /// --request`; non-UTF-8 bytes are refused with 65, on stdin and at a prompt.
  @Test func passwordsAreNeverTruncatedOrAltered() throws {
    let walk = try Walk(env: ["JWT_SECRET": Self.secret])
    let exact = String(repeating: "é", count: 30) + "twelve bytes"  // 60 + 12 = 72 bytes
    #expect(exact.utf8.count == 72)
    try walk.run(["-q", "register", "me@example.com", "--password-stdin"], stdin: exact + "\n")
    let token = try #require(Walk.line("Token", in: try walk.run(["mail", "show"]).stdout))
    try walk.run(["-q", "confirm", token, "--password-stdin"], stdin: exact + "\n")
    let longer = try walk.run(
      ["login", "me@example.com", "--password-stdin"], stdin: exact + "!\n", expect: 65)
    #expect(longer.stderr.contains("72 bytes"), "\(longer.stderr)")
    #expect(try walk.count("SELECT failed_logins FROM users") == 0, "no password was checked")
    // Bytes that are not UTF-8: refused, never turned into U+FFFD and checked.
    let bad = try Self.runBytes(
      ["login", "me@example.com", "--password-stdin"], env: walk.env,
      stdin: Array(exact.utf8.prefix(60)) + [0xff, 0xfe] + Array("twelve bytes\n".utf8),
      in: walk.dir)
    #expect(bad.status == 65 && bad.stderr.contains("UTF-8"), "\(bad.stderr)")
    #expect(!bad.stderr.contains("\u{fffd}"))
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: exact + "\n")
    let request = try walk.run(
      ["passwd", "--request", "--password-stdin"], stdin: exact + exact + "\n", expect: 65)
    #expect(request.stderr.contains("72 bytes"), "\(request.stderr)")
    #expect(try walk.count("SELECT count(*) FROM codes") == 0, "no code was mailed")
    let badNew = try Self.runBytes(
      ["users", "set-password", "me@example.com", "--password-stdin"], env: walk.env,
      stdin: [0x63, 0xc3, 0x28, 0x0a], in: walk.dir)
    #expect(badNew.status == 65 && badNew.stderr.contains("UTF-8"), "\(badNew.stderr)")

    // At a prompt (a pseudo-terminal): non-UTF-8 bytes → 65.
    var env = walk.env
    env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    env["AUTHCTL_BCRYPT_COST"] = "4"
    let pty = try python(
      #"""
      import json, os, pty, sys, time
      exe, env, cwd = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
      pid, fd = pty.fork()
      if pid == 0:
          os.chdir(cwd)
          os.execve(exe, [exe, "login", "me@example.com"], env)
      screen = b""
      while b"Password:" not in screen:
          screen += os.read(fd, 1024)
      os.write(fd, b"caf\xe9 \xff\n")
      try:
          while True:
              chunk = os.read(fd, 1024)
              if not chunk: break
              screen += chunk
      except OSError:
          pass
      _, status = os.waitpid(pid, 0)
      print(os.WEXITSTATUS(status))
      print(screen.decode("utf-8", "replace"))
      """#,
      [
        authctlPath,
        String(decoding: try JSONSerialization.data(withJSONObject: env), as: UTF8.self),
        walk.dir.path,
      ])
    #expect(pty.stdout.hasPrefix("65\n"), "\(pty.stdout) \(pty.stderr)")
    #expect(pty.stdout.contains("UTF-8"), "\(pty.stdout)")
  }

  // MARK: 12. Bounded input

  /// More than 4 KiB on `--password-stdin` (with or without a line end), more than 16 KiB for
  /// a `-` token, an import record over 4 KiB: 65. A read from a regular file leaves the rest
  /// of the file to the next program.
  @Test func inputIsBounded() throws {
    let (walk, token) = try Self.registered()
    let big = String(repeating: "p", count: 5000)
    for stdin in [big, big + "\n"] {
      let r = try walk.run(
        ["login", "me@example.com", "--password-stdin"], stdin: stdin, expect: 65)
      #expect(r.stderr.contains("longer than 4 KiB"), "\(r.stderr)")
    }
    let r = try walk.run(
      ["confirm", "-"], stdin: String(repeating: "a", count: 20_000), expect: 65)
    #expect(r.stderr.contains("longer than 16 KiB"), "\(r.stderr)")
    let record = "\(String(repeating: "a", count: 5000))@example.com,,,\n"
    let imp = try walk.run(
      ["users", "import", "-"], stdin: "email,password_hash,activated_at,created_at\n" + record,
      expect: 65)
    #expect(imp.stderr.contains("line 2: longer than 4096 bytes"), "\(imp.stderr)")
    // The rest of a regular file stays for the next reader.
    let file = walk.dir.file("two-lines")
    try "\(Self.password)\nleft for the next program\n".write(
      toFile: file, atomically: true, encoding: .utf8)
    var env = walk.env
    env["AUTHCTL_BCRYPT_COST"] = "4"
    try walk.run(["-q", "confirm", token])
    let both = try run(
      "/bin/sh",
      [
        "-c", "{ \"$0\" -q login me@example.com --password-stdin; cat; } < \"$1\"", authctlPath,
        file,
      ],
      environment: env, directory: walk.dir.url)
    #expect(both.status == 0, "\(both.stderr)")
    #expect(both.stdout.hasSuffix("left for the next program\n"), "\(both.stdout)")
  }

  // MARK: 15. Tokens off the command line

  /// `confirm -` and `reset -` read the token or link from stdin; with `--password-stdin` the
  /// token is the first line and the password the second. Empty stdin is 65.
  @Test func tokensComeFromStdin() throws {
    let (walk, token) = try Self.registered()
    try walk.run(["confirm", "-"], stdin: "", expect: 65)
    let confirmed = try walk.run(["confirm", "-"], stdin: token + "\n")
    #expect(confirmed.stdout.contains("confirmed me@example.com"))
    try walk.run(["-q", "recover", "me@example.com"])
    let mail = try walk.run(["mail", "show"]).stdout
    let resetToken = try #require(Walk.line("Token", in: mail))
    let code = try #require(Walk.line("Code", in: mail))
    let newPassword = "a brand new passphrase"
    let reset = try walk.run(
      ["reset", "-", "--code", code, "--password-stdin"],
      stdin: resetToken + "\n" + newPassword + "\n")
    #expect(reset.stdout.contains("password changed for me@example.com"), "\(reset.stdout)")
    try walk.run(["-q", "login", "me@example.com", "--password-stdin"], stdin: newPassword + "\n")
  }
}

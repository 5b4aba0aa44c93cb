import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The bad-input table of issue 8: one row per input, each refused with one clear line
/// `authctl: …`, the documented exit status, and the database unchanged (a full dump of every
/// table compared before and after). Rows at an RFC 5321 limit are accepted (exit 0).
///
/// Arguments cannot carry a NUL (execve ends each at the first NUL), so NUL is tried where it
/// can arrive: stdin, import files and env files.
@Suite(.serialized, .tags(.slow)) struct BadInputTests {
  static let password = "bad input horse battery 9"

  /// One row: arguments as bytes (non-UTF-8 ones go through Python's `os.execve`).
  struct Row {
    var name: String
    var args: [[UInt8]]
    var stdin: String? = nil
    var status: Int32
    /// Text the `authctl: …` line must contain.
    var says: String
    /// An accepted input (exit 0) changes the database; a refusal never does.
    var accepted: Bool { status == 0 }
  }

  /// Fixture: a confirmed account logged in, an unconfirmed one with its confirmation token,
  /// and a pending reset token and code.
  final class Fixture {
    let dir: TempDir
    let db: String
    let session: String
    var confirmToken = ""
    var resetToken = ""
    var resetCode = ""

    init() throws {
      dir = try TempDir("authctl-bad")
      db = dir.file("bad.sqlite")
      session = dir.file("state/session")
      try ok(
        ["register", "a@example.com", "--password-stdin"], stdin: BadInputTests.password + "\n")
      try ok(["users", "confirm", "a@example.com"])
      try ok(["login", "a@example.com", "--password-stdin"], stdin: BadInputTests.password + "\n")
      try ok(["register", "u@example.com"])
      try ok(["recover", "a@example.com"])
      let mails = try MboxMessage.read(dir.file("bad.mbox"))
      confirmToken = mails.last { $0.to == "u@example.com" }?.token ?? ""
      resetToken = mails.last { $0.to == "a@example.com" && $0.code != nil }?.token ?? ""
      resetCode = mails.last { $0.to == "a@example.com" && $0.code != nil }?.code ?? ""
    }

    var base: [String] { ["--db", db, "-q", "--session-file", session] }

    @discardableResult
    func ok(_ args: [String], stdin: String? = nil) throws -> RunResult {
      let r = try authctl(base + args, stdin: stdin, directory: dir.url)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      return r
    }

    /// Every table, every row, as SQL text (Python's `iterdump`).
    func dump() throws -> String {
      let r = try python(
        "import sqlite3, sys\nprint('\\n'.join(sqlite3.connect(sys.argv[1]).iterdump()))", [db])
      #expect(r.status == 0, "\(r.stderr)")
      return r.stdout
    }

    func run(_ row: Row) throws -> RunResult {
      let args = base.map { Array($0.utf8) } + row.args
      let strings = args.compactMap { String(validating: $0, as: UTF8.self) }
      if strings.count == args.count {
        return try authctl(strings, stdin: row.stdin, directory: dir.url)
      }
      // Bytes as hex through Python, which execs authctl with them unchanged.
      let hex = args.map { $0.map { String(format: "%02x", $0) }.joined() }
      return try run(
        pythonPath,
        (pythonPath == "/usr/bin/env" ? ["python3"] : []) + [
          "-c",
          "import os, sys\nos.execve(sys.argv[1], [b'authctl'] + [bytes.fromhex(a) for a in sys.argv[2:]], os.environ)",
          authctlPath,
        ] + hex, environment: ["AUTHCTL_BCRYPT_COST": "4"], stdin: row.stdin, directory: dir.url)
    }

    private func run(
      _ exe: String, _ args: [String], environment: [String: String], stdin: String?, directory: URL
    ) throws -> RunResult {
      try TestSupport.run(exe, args, environment: environment, stdin: stdin, directory: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
      let path = dir.file(name)
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }
  }

  static func b(_ s: String) -> [UInt8] { Array(s.utf8) }
  static func args(_ s: String...) -> [[UInt8]] { s.map(b) }

  /// `n` copies of `c`.
  static func rep(_ c: Character, _ n: Int) -> String { String(repeating: c, count: n) }

  func rows(_ f: Fixture) throws -> [Row] {
    let big = Self.rep("a", 10 * 1024)
    let tk = f.resetToken
    let cd = f.resetCode
    let ct = f.confirmToken
    let pw = Self.password + "\n"
    var rows: [Row] = []
    func row(_ name: String, _ a: [[UInt8]], stdin: String? = nil, _ status: Int32, _ says: String)
    {
      rows.append(Row(name: name, args: a, stdin: stdin, status: status, says: says))
    }
    // Empty, whitespace-only and 10 KB arguments.
    for (label, value) in [("empty", ""), ("whitespace", " \t "), ("10 KB", big)] {
      row("register: \(label) email", Self.args("register", value), 65, "invalid email address")
      row("recover: \(label) email", Self.args("recover", value), 65, "invalid email address")
      row(
        "login: \(label) email", Self.args("login", value, "--password-stdin"), stdin: pw, 65,
        "invalid email address")
      row("confirm: \(label) token", Self.args("confirm", value), 65, "malformed token")
      row(
        "reset: \(label) token", Self.args("reset", value, "--code", cd, "--password-stdin"),
        stdin: pw,
        65, "malformed token")
      row(
        "reset: \(label) code", Self.args("reset", tk, "--code", value, "--password-stdin"),
        stdin: pw,
        65, "malformed code")
      row(
        "passwd: \(label) code", Self.args("passwd", "--code", value, "--password-stdin"),
        stdin: pw, 65,
        "malformed code")
    }
    // Non-UTF-8 bytes.
    row(
      "register: Latin-1 email",
      [Self.b("register"), Self.b("caf") + [0xE9] + Self.b("@example.com")], 65, "not ASCII")
    row(
      "recover: 0xFF in email", [Self.b("recover"), [0xFF] + Self.b("@example.com")], 65,
      "invalid email")
    row(
      "confirm: 0xFF in token", [Self.b("confirm"), [0xFF, 0xFE] + Self.b(".a.b")], 65,
      "malformed token")
    row(
      "reset: 0xFF in code",
      [Self.b("reset"), Self.b(tk), Self.b("--code"), Self.b("12") + [0xFF] + Self.b("456")],
      65, "malformed code")
    row(
      "command: 0xFF in name", [Self.b("us") + [0xFF] + Self.b("ers"), Self.b("list")], 64,
      "unknown command")
    // CR and LF inside each argument field.
    for (label, c) in [("CR", "\r"), ("LF", "\n"), ("CRLF", "\r\n")] {
      row(
        "register: \(label) in email", Self.args("register", "x\(c)y@example.com"), 65,
        "control character")
      row(
        "recover: \(label) in email", Self.args("recover", "a@example.com\(c)Bcc: b@example.com"),
        65, "control character")
      row(
        "users set-password: \(label) in email",
        Self.args("users", "set-password", "a\(c)@example.com", "--generate"), 65,
        "control character")
      row(
        "confirm: \(label) in token",
        Self.args("confirm", ct.replacingOccurrences(of: ".", with: ".\(c)")), 65, "malformed token"
      )
      row(
        "reset: \(label) in code",
        Self.args("reset", tk, "--code", "123\(c)456", "--password-stdin"), stdin: pw,
        65, "malformed code")
    }
    // CR, LF and NUL in a password on stdin (LF ends the line: an empty first line is no password).
    for (label, text) in [
      ("CR", "long enough\rpass 456\n"), ("NUL", "long enough\0pass 456\n"),
      ("leading LF", "\n" + Self.password + "\n"), ("tab", "long enough\tpass 456\n"),
      ("ESC", "long enough\u{1b}[31m pass\n"),
    ] {
      row(
        "register: \(label) in password",
        Self.args("register", "p@example.com", "--password-stdin"),
        stdin: text, 65, label == "leading LF" ? "no password on stdin" : "password refused")
      row(
        "reset: \(label) in password", Self.args("reset", tk, "--code", cd, "--password-stdin"),
        stdin: text,
        65, label == "leading LF" ? "no password on stdin" : "password refused")
      row(
        "users set-password: \(label) in password",
        Self.args("users", "set-password", "a@example.com", "--password-stdin"), stdin: text, 65,
        label == "leading LF" ? "no password on stdin" : "password refused")
    }
    // RFC 5321 limits: local part 64, domain label 63, whole address 254.
    let l63 = Self.rep("d", 63)
    let domain189 = "\(l63).\(Self.rep("e", 63)).\(Self.rep("f", 57)).com"
    row("register: local part 64", Self.args("register", "\(Self.rep("l", 64))@example.com"), 0, "")
    row(
      "register: local part 65", Self.args("register", "\(Self.rep("l", 65))@example.com"), 65, "64"
    )
    row("register: domain label 63", Self.args("register", "x@\(l63).example.com"), 0, "")
    row(
      "register: domain label 64", Self.args("register", "x@\(Self.rep("d", 64)).example.com"), 65,
      "63")
    row("register: address 254", Self.args("register", "\(Self.rep("m", 64))@\(domain189)"), 0, "")
    row(
      "register: address 255", Self.args("register", "\(Self.rep("n", 64))@\(domain189)x"), 65,
      "254")
    // Tokens: truncated, padded, extra dots, oversized.
    for (what, token, cmd) in [("confirm", ct, ["confirm"]), ("reset", tk, ["reset"])] {
      let tail = what == "reset" ? ["--code", cd, "--password-stdin"] : []
      let input = what == "reset" ? pw : nil
      func tok(_ name: String, _ t: String, _ status: Int32, _ says: String) {
        row("\(what): token \(name)", (cmd + [t] + tail).map(Self.b), stdin: input, status, says)
      }
      tok("truncated by 5", String(token.dropLast(5)), 77, "invalid token")
      tok(
        "cut to two parts", token.split(separator: ".").prefix(2).joined(separator: "."), 65,
        "malformed token")
      tok("padded with =", token + "=", 65, "malformed token")
      tok("padded with ==", token + "==", 65, "malformed token")
      tok("with an extra dot", token + ".", 65, "malformed token")
      tok("with a fourth part", token + ".eA", 65, "malformed token")
      tok(
        "with doubled dots", token.replacingOccurrences(of: ".", with: ".."), 65, "malformed token")
      tok("oversized (9 KiB)", token + Self.rep("A", 9 * 1024), 65, "8 KiB")
    }
    // Codes: letters, 5 and 7 digits, non-ASCII digits.
    for (label, code) in [
      ("letters", "12a456"), ("5 digits", "12345"), ("7 digits", "1234567"),
      ("fullwidth digits", "１２３４５６"), ("sign", "+12345"),
    ] {
      row(
        "reset: code \(label)", Self.args("reset", tk, "--code", code, "--password-stdin"),
        stdin: pw, 65,
        "malformed code")
      row(
        "passwd: code \(label)", Self.args("passwd", "--code", code, "--password-stdin"), stdin: pw,
        65, "malformed code")
    }
    // EOF at each prompt (stdin closed) with --password-stdin, and without a terminal.
    row(
      "register: EOF for password", Self.args("register", "p@example.com", "--password-stdin"), 65,
      "no password on stdin")
    row(
      "login: EOF for password", Self.args("login", "a@example.com", "--password-stdin"), 65,
      "no password on stdin")
    row(
      "reset: EOF for password", Self.args("reset", tk, "--code", cd, "--password-stdin"), 65,
      "no password on stdin")
    row(
      "passwd --request: EOF for password", Self.args("passwd", "--request", "--password-stdin"),
      65, "no current password on stdin")
    row(
      "passwd --code: EOF for password",
      Self.args("passwd", "--code", "123456", "--password-stdin"), 65, "no new password on stdin")
    row(
      "users set-password: EOF for password",
      Self.args("users", "set-password", "a@example.com", "--password-stdin"), 65,
      "no password on stdin")
    row("login: no terminal for the prompt", Self.args("login", "a@example.com"), 64, "no terminal")
    row("reset: no terminal for the code", Self.args("reset", tk), 64, "no terminal")
    // Import files: CR, LF and NUL in each field, CSV and JSONL.
    let header = "email,password_hash,activated_at,created_at\n"
    let csvCases: [(String, String, String)] = [
      ("CR in email", "\"x\ry@example.com\",,,\n", "line 2"),
      ("LF in email", "\"x\ny@example.com\",,,\n", "line 2"),
      ("NUL in email", "x\0y@example.com,,,\n", "line 2"),
      ("LF in password_hash", "xy@example.com,\"$2b$04$abc\ndef\",,\n", "line 2"),
      ("CR in activated_at", "xy@example.com,,\"2024-01-01T00:00:00Z\r\",\n", "line 2"),
      ("NUL in created_at", "xy@example.com,,,2024-01-01\0\n", "line 2"),
      ("good row then CR in email", "ok@example.com,,,\n\"x\ry@example.com\",,,\n", "line 3"),
    ]
    for (i, (label, body, says)) in csvCases.enumerated() {
      let path = try f.write("in\(i).csv", header + body)
      row("users import csv: \(label)", Self.args("users", "import", path), 65, says)
    }
    let jsonlCases: [(String, String)] = [
      (
        "LF in email",
        #"{"email":"x\ny@example.com","password_hash":"","activated_at":null,"created_at":null}"#
      ),
      ("NUL in email", #"{"email":"x\u0000y@example.com"}"#),
      (
        "CR in activated_at", #"{"email":"xy@example.com","activated_at":"2024-01-01T00:00:00Z\r"}"#
      ),
      ("raw NUL in the line", "{\"email\":\"xy@example.com\"}\0\n"),
    ]
    for (i, (label, line)) in jsonlCases.enumerated() {
      let path = try f.write("in\(i).jsonl", line + "\n")
      row("users import jsonl: \(label)", Self.args("users", "import", path), 65, "line 1")
    }
    // Env file values with CR, LF and NUL: bad configuration, named, before anything changes.
    let envCases: [(String, String, String)] = [
      (
        "CR in MAIL_DEFAULT_SENDER", "MAIL_DEFAULT_SENDER=\"a@example.com\rBcc: b@example.com\"\n",
        "MAIL_DEFAULT_SENDER"
      ),
      (
        "LF in MAIL_DEFAULT_SENDER", "MAIL_DEFAULT_SENDER=\"a@example.com\nBcc: b@example.com\"\n",
        "MAIL_DEFAULT_SENDER"
      ),
      ("NUL in MAIL_SERVER", "MAIL_SERVER=smtp\0.example.com\n", "MAIL_SERVER"),
      ("LF in APP_URL", "APP_URL=\"https://example.com/\nX: y\"\n", "APP_URL"),
      (
        "NUL in JWT_SECRET", "JWT_SECRET=\(Self.rep("k", 20))\0\(Self.rep("k", 20))\n", "JWT_SECRET"
      ),
      ("LF in MAIL_PORT", "MAIL_PORT=\"2\n5\"\n", "MAIL_PORT"),
    ]
    for (i, (label, text, says)) in envCases.enumerated() {
      let path = try f.write("env\(i)", text)
      row(
        "env file: \(label)", Self.args("--env-file", path, "register", "e\(i)@example.com"), 78,
        says)
    }
    // Not a database.
    try FileManager.default.createDirectory(
      atPath: f.dir.file("folder.sqlite"), withIntermediateDirectories: true)
    row(
      "--db: a directory", Self.args("--db", f.dir.file("folder.sqlite"), "users", "list"), 66,
      "folder.sqlite")
    row(
      "--db: a directory, register",
      Self.args("--db", f.dir.file("folder.sqlite"), "register", "d@example.com"), 74,
      "Is a directory")
    let text = try f.write("notes.sqlite", "hello, this is not SQLite\n" + Self.rep("z", 4096))
    row("--db: a text file", Self.args("--db", text, "users", "list"), 65, "not a SQLite database")
    row(
      "--db: a text file, register", Self.args("--db", text, "register", "t@example.com"), 65,
      "not a SQLite database")
    row(
      "--db: a text file, import",
      Self.args(
        "--db", text, "users", "import", try f.write("one.csv", header + "o@example.com,,,\n")), 65,
      "not a SQLite database")
    return rows
  }

  @Test func table() throws {
    let f = try Fixture()
    let textFile = f.dir.file("notes.sqlite")
    let rows = try rows(f)
    let textBefore = FileManager.default.contents(atPath: textFile)
    var before = try f.dump()
    var refused = 0
    var accepted = 0
    var audited = 0
    for row in rows {
      let r = try f.run(row)
      let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter {
        !$0.isEmpty
      }
      let first = lines.first.map(String.init) ?? ""
      #expect(
        r.status == row.status, "\(row.name): exit \(r.status), wanted \(row.status): \(r.stderr)")
      if row.accepted {
        accepted += 1
        let after = try f.dump()
        if after == before { Issue.record("\(row.name): accepted but nothing changed") }
        before = after
        continue
      }
      refused += 1
      #expect(
        first.hasPrefix("authctl: ") && r.stderr.contains(row.says), "\(row.name): \(r.stderr)")
      // One line; only the import's per-line details follow it, indented.
      #expect(
        lines.dropFirst().allSatisfy { $0.hasPrefix("  ") },
        "\(row.name): more than one line: \(r.stderr)")
      #expect(
        !r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" },
        "\(row.name): a raw control character in \(r.stderr.debugDescription)")
      #expect(r.stdout.isEmpty, "\(row.name): printed \(r.stdout.prefix(200))")
      #expect(!r.stderr.contains(Self.password), "\(row.name): the password was echoed")
      // A refused token or code is recorded in the audit log (by design: `authctl log --failed`);
      // that one appended row is the only change allowed, and only with exit 77.
      let after = try f.dump()
      let old = Set(before.split(separator: "\n"))
      let added = after.split(separator: "\n").filter { !old.contains($0) }
      let audit = added.filter { $0.hasPrefix("INSERT INTO \"audit\"") && $0.contains("'failed'") }
      let removed =
        before.split(separator: "\n").count + audit.count - after.split(separator: "\n").count
      if added.count != audit.count || removed != 0 || (!audit.isEmpty && row.status != 77) {
        let shown = added.map { String($0.prefix(160)) }.joined(separator: " | ")
        Issue.record("\(row.name): the database changed: \(shown)")
      }
      audited += audit.count
      before = after
    }
    #expect(
      FileManager.default.contents(atPath: textFile) == textBefore, "the text file is untouched")
    for suffix in ["-wal", "-shm", "-journal"] {
      #expect(
        !FileManager.default.fileExists(atPath: textFile + suffix),
        "no \(suffix) beside the text file")
    }
    #expect(try integrityCheck(f.db) == "ok")
    print(
      "BadInputTests: \(rows.count) inputs tried: \(refused) refused with the database unchanged, \(accepted) at a limit accepted; \(audited) refusals of a token recorded as failed audit events"
    )
  }

  /// chmod 000 does not bite root: as root the command runs as `nobody` through `setpriv`
  /// (skipped, with a message, when that is not possible).
  @Test func unreadableDatabase() throws {
    let f = try Fixture()
    let before = try f.dump()
    var prefix: [String] = []
    if getuid() == 0 {
      guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
        print("BadInputTests: unreadable database skipped: running as root without setpriv")
        return
      }
      prefix = [
        "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", authctlPath,
      ]
    }
    chmod(f.db, 0)
    defer { chmod(f.db, 0o600) }
    // register (which may create the database) opens it for creation: 73 "cannot create …:
    // Permission denied"; the others: 66 "unable to open database file".
    let cases: [([String], Int32, String)] = [
      (["users", "list"], 66, "unable to open"),
      (["register", "r@example.com"], 73, "Permission denied"),
      (["confirm", f.confirmToken], 66, "unable to open"),
    ]
    for (args, status, says) in cases {
      let all = ["--db", f.db, "-q"] + args
      let r =
        prefix.isEmpty
        ? try authctl(all, directory: f.dir.url)
        : try run(
          prefix[0], Array(prefix.dropFirst()) + all, environment: ["AUTHCTL_BCRYPT_COST": "4"])
      #expect(r.status == status, "\(args): \(r.stderr)")
      #expect(
        r.stderr.hasPrefix("authctl: ") && r.stderr.contains(says)
          && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
    chmod(f.db, 0o600)
    #expect(try f.dump() == before)
    print(
      "BadInputTests: unreadable database (mode 000\(prefix.isEmpty ? "" : ", as nobody")): 3 commands refused, exit 66/73/66"
    )
  }

  @Test func fullDiskDuringImport() throws {
    let f = try Fixture()
    let mountPoint = f.dir.file("small")
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    let mount = try run(
      "/usr/bin/env", ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mountPoint])
    guard mount.status == 0 else {
      print(
        "BadInputTests: full disk skipped: cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
      )
      return
    }
    defer { _ = try? run("/usr/bin/env", ["umount", "-l", mountPoint]) }
    let db = mountPoint + "/full.sqlite"
    #expect(try authctl(["--db", db, "-q", "migrate"]).status == 0)
    #expect(
      try authctl([
        "--db", db, "-q", "users", "import",
        try f.write(
          "few.csv", "email,password_hash,activated_at,created_at\nfirst@example.com,,,\n"),
      ]).status == 0)
    let users = try scalar(db, "SELECT count(*) FROM users")
    // 10,000 rows with bcrypt hashes: about 1.2 MB of rows and index, more than the 512 KiB
    // disk (which the schema's tables and indexes, with their first WAL, fit in).
    var csv = "email,password_hash,activated_at,created_at\n"
    let hash = "$2b$04$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2"
    for i in 0..<10000 {
      csv += "bulk-user-number-\(i)@example.com,\(hash),2024-01-01T00:00:00Z,\n"
    }
    let file = try f.write("bulk.csv", csv)
    let r = try authctl(["--db", db, "users", "import", file])
    print(
      "BadInputTests: import of 10000 rows onto a 512 KiB tmpfs → exit \(r.status): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    )
    #expect(r.status == 74, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("authctl: ") && r.stderr.contains("full"), "\(r.stderr)")
    #expect(try scalar(db, "SELECT count(*) FROM users") == users, "nothing imported")
    #expect(try integrityCheck(db) == "ok")
  }
}

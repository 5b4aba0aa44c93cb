import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 11, properties 4, 5, 13 and 14 through the built binary: planted and shared files,
/// untrusted env files, a readable generated secret, edge values, duplicate JSON names in a
/// token, and core dumps. "Another user" is `nobody` (uid 65534) through `chown` and
/// `setpriv`, as `BadInputTests` does; those tests need root and say so when skipped.
@Suite(.serialized) struct SecurityFileTests {
  static let password = "security files horse 42"
  static let nobody: uid_t = 65534
  static let jwtSecret = "security-file-tests-secret-0123456789"

  /// True when the test may act as other users (root with setpriv); else prints why not.
  static func canSwitchUsers(_ test: String) -> Bool {
    guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
      print("SecurityFileTests: \(test) skipped: needs root and /usr/bin/setpriv")
      return false
    }
    return true
  }

  /// authctl run as `uid`/`gid` with supplementary `groups` (none when empty).
  static func asUser(
    _ uid: uid_t, _ gid: gid_t, groups: [gid_t] = [], _ args: [String],
    environment: [String: String] = [:], stdin: String? = nil, directory: URL? = nil
  ) throws -> RunResult {
    var env = environment
    env["AUTHCTL_BCRYPT_COST"] = env["AUTHCTL_BCRYPT_COST"] ?? "4"
    let groupFlag =
      groups.isEmpty
      ? "--clear-groups" : "--groups=" + groups.map(String.init).joined(separator: ",")
    return try run(
      "/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)", groupFlag, authctlPath] + args,
      environment: env, stdin: stdin, directory: directory)
  }

  static func owner(_ path: String) -> FileOwner? { FileOwner(path: path) }

  /// A folder `name` in `dir` that belongs to nobody, with `mode`.
  static func nobodysFolder(_ dir: TempDir, _ name: String, mode: mode_t = 0o700) -> String {
    let path = dir.file(name)
    mkdir(path, 0o700)
    chown(path, nobody, nobody)
    chmod(path, mode)
    return path
  }

  static func oneLine(_ r: RunResult) -> Bool {
    r.stderr.hasPrefix("authctl: ") && r.stderr.split(separator: "\n").count == 1
  }

  // MARK: 4. No planted files

  @Test func plantedFileIsNeverInitialised() throws {
    guard Self.canSwitchUsers("planted file") else { return }
    let dir = try TempDir("authctl-planted")
    let db = dir.file("planted.sqlite")
    #expect(FileManager.default.createFile(atPath: db, contents: nil))
    chmod(db, 0o644)
    chown(db, Self.nobody, Self.nobody)
    for args in [["migrate"], ["register", "r@example.com"], ["users", "list"]] {
      let r = try authctl(["--db", db] + args)
      #expect(r.status == 77, "\(args): \(r.stderr)")
      #expect(
        Self.oneLine(r) && r.stderr.contains("belongs to nobody")
          && r.stderr.contains("does not initialise"), "\(r.stderr)")
      #expect(!r.stderr.contains("created database"))
    }
    #expect(Self.owner(db).map { $0.uid == Self.nobody } == true)
    let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? -1
    #expect(size == 0, "nothing was written into the planted file")
    for suffix in ["-wal", "-shm", "-journal"] {
      #expect(!FileManager.default.fileExists(atPath: db + suffix))
    }
    #expect(!FileManager.default.fileExists(atPath: dir.file("planted.mbox")))
    print(
      "SecurityFileTests: an empty file of nobody's: migrate/register/users list exit 77, left empty"
    )
  }

  @Test func filesOthersCanWriteAreRefused() throws {
    let dir = try TempDir("authctl-ow")
    let db = dir.file("ow.sqlite")
    let mbox = dir.file("ow.mbox")
    let session = dir.file("state/session")
    let base = ["--db", db, "--session-file", session]
    #expect(
      try authctl(base + ["register", "a@example.com", "--password-stdin"], stdin: Self.password)
        .status == 0)
    #expect(try authctl(base + ["users", "confirm", "a@example.com"]).status == 0)
    #expect(
      try authctl(base + ["login", "a@example.com", "--password-stdin"], stdin: Self.password)
        .status == 0)
    // The database.
    chmod(db, 0o606)
    let r = try authctl(base + ["users", "list"])
    #expect(r.status == 77 && Self.oneLine(r), "\(r.stderr)")
    #expect(r.stderr.contains("\(db) is writable by others (mode 0606)"), "\(r.stderr)")
    #expect(try authctl(base + ["migrate"]).status == 77)
    chmod(db, 0o600)
    // A -wal beside it that others can write (SQLite would replay it).
    let wal = db + "-wal"
    #expect(FileManager.default.createFile(atPath: wal, contents: nil))
    chmod(wal, 0o666)
    let w = try authctl(base + ["users", "list"])
    #expect(w.status == 77 && w.stderr.contains("\(wal) is writable by others"), "\(w.stderr)")
    unlink(wal)
    // The mailbox: the mail stays queued, nothing goes into the file; `mail show` refuses it.
    chmod(mbox, 0o602)
    let before = try Data(contentsOf: URL(fileURLWithPath: mbox))
    let reg = try authctl(base + ["register", "b@example.com"])
    #expect(reg.status == 0, "\(reg.stderr)")
    #expect(reg.stderr.contains("\(mbox) is writable by others"), "\(reg.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: mbox)) == before)
    #expect(try scalar(db, "SELECT count(*) FROM outbox WHERE status = 'queued'") >= 1)
    let show = try authctl(base + ["mail", "show"])
    #expect(show.status == 77 && show.stderr.contains("writable by others"), "\(show.stderr)")
    chmod(mbox, 0o600)
    // The session file.
    chmod(session, 0o602)
    let who = try authctl(base + ["whoami"])
    #expect(who.status == 77 && who.stderr.contains("accessible by others"), "\(who.stderr)")
    print(
      "SecurityFileTests: o+w database, -wal, mailbox (mail stays queued) and session file refused, exit 77"
    )
  }

  /// A service account (nobody) owns the database, 0660, shared with its group; a member (uid
  /// 4242) works with it, and the mailbox it creates is the group's, so the owner can append.
  @Test func groupSharedDatabaseStaysSupported() throws {
    guard Self.canSwitchUsers("group-shared database") else { return }
    let dir = try TempDir("authctl-group")
    let shared = Self.nobodysFolder(dir, "shared", mode: 0o2770)
    let db = shared + "/svc.sqlite"
    let env = ["JWT_SECRET": Self.jwtSecret]
    let made = try Self.asUser(
      Self.nobody, Self.nobody, ["--db", db, "migrate"], environment: env)
    #expect(made.status == 0, "\(made.stderr)")
    chmod(db, 0o660)
    let member: uid_t = 4242
    let reg = try Self.asUser(
      member, 4242, groups: [Self.nobody], ["--db", db, "register", "m@example.com"],
      environment: env)
    #expect(reg.status == 0, "\(reg.stderr)")
    let mbox = shared + "/svc.mbox"
    let box = Self.owner(mbox)
    #expect(
      box?.uid == member && box?.gid == Self.nobody && box?.modeText == "0660", "\(box as Any)")
    let again = try Self.asUser(
      Self.nobody, Self.nobody, ["--db", db, "register", "n@example.com"], environment: env)
    #expect(again.status == 0 && !again.stderr.contains("refused"), "\(again.stderr)")
    #expect(try MboxMessage.read(mbox).count == 2)
    #expect(Self.owner(db)?.uid == Self.nobody && Self.owner(db)?.modeText == "0660")
    print(
      "SecurityFileTests: 0660 database of nobody's used by a group member; mailbox 0660 shared")
  }

  /// Root working on a user's database leaves files the user can still write.
  @Test func rootOnAUsersDatabaseKeepsTheOwner() throws {
    guard Self.canSwitchUsers("root on a user's database") else { return }
    let dir = try TempDir("authctl-root")
    let home = Self.nobodysFolder(dir, "home")
    let db = home + "/u.sqlite"
    #expect(try Self.asUser(Self.nobody, Self.nobody, ["--db", db, "migrate"]).status == 0)
    let r = try authctl(["--db", db, "register", "root-made@example.com"])
    #expect(r.status == 0, "\(r.stderr)")
    let mbox = home + "/u.mbox"
    let box = Self.owner(mbox)
    #expect(box?.uid == Self.nobody && box?.gid == Self.nobody && box?.modeText == "0600")
    for suffix in ["-wal", "-shm"] {
      if let f = Self.owner(db + suffix) { #expect(f.uid == Self.nobody, "\(suffix)") }
    }
    let later = try Self.asUser(
      Self.nobody, Self.nobody, ["--db", db, "register", "own@example.com"])
    #expect(later.status == 0 && !later.stderr.contains("not delivered"), "\(later.stderr)")
    #expect(try MboxMessage.read(mbox).map(\.to) == ["root-made@example.com", "own@example.com"])
    // A mailbox planted by another user beside the database is refused.
    let other = dir.file("other")
    mkdir(other, 0o777)
    let odb = other + "/o.sqlite"
    #expect(try authctl(["--db", odb, "migrate"]).status == 0)
    #expect(FileManager.default.createFile(atPath: other + "/o.mbox", contents: nil))
    chmod(other + "/o.mbox", 0o644)
    chown(other + "/o.mbox", Self.nobody, Self.nobody)
    let planted = try authctl(["--db", odb, "register", "v@example.com"])
    #expect(planted.stderr.contains("belongs to nobody"), "\(planted.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: other + "/o.mbox")).isEmpty)
    print(
      "SecurityFileTests: root on nobody's database: mailbox nobody 0600; planted mailbox refused")
  }

  // MARK: 5. An untrusted .env is not read

  @Test func untrustedEnvFileIsRefused() throws {
    let dir = try TempDir("authctl-env")
    let dotenv = dir.file(".env")
    try "MAIL_SERVER=planted.example.com\n".write(
      toFile: dotenv, atomically: false, encoding: .utf8)
    chmod(dotenv, 0o664)
    let g = try authctl(["config"], directory: dir.url)
    #expect(g.status == 78 && Self.oneLine(g), "\(g.stderr)")
    #expect(g.stderr.contains("env file .env") && g.stderr.contains("writable by group or others"))
    chmod(dotenv, 0o646)
    #expect(try authctl(["config"], directory: dir.url).status == 78)
    let given = dir.file("given.env")
    try "MAIL_SERVER=given.example.com\n".write(toFile: given, atomically: false, encoding: .utf8)
    chmod(given, 0o620)
    let f = try authctl(["--env-file", given, "config"])
    #expect(f.status == 78 && f.stderr.contains("env file \(given)"), "\(f.stderr)")
    chmod(given, 0o600)
    #expect(try authctl(["--env-file", given, "config"]).stdout.contains("given.example.com"))
    chmod(dotenv, 0o644)
    #expect(try authctl(["config"], directory: dir.url).stdout.contains("planted.example.com"))
    guard Self.canSwitchUsers("env file of another user") else { return }
    chown(dotenv, Self.nobody, Self.nobody)
    let o = try authctl(["config"], directory: dir.url)
    #expect(o.status == 78 && Self.oneLine(o), "\(o.stderr)")
    #expect(o.stderr.contains("owned by nobody (uid 65534), not by you or root"), "\(o.stderr)")
    #expect(!o.stdout.contains("planted.example.com"))
    // A root-owned env file is trusted by another user.
    chown(dotenv, 0, 0)
    let asNobody = try Self.asUser(Self.nobody, Self.nobody, ["config"], directory: dir.url)
    #expect(asNobody.status == 0 && asNobody.stdout.contains("planted.example.com"))
    print("SecurityFileTests: .env/--env-file writable by group/others or owned by nobody: exit 78")
  }

  @Test func secretIsNotExpandedIntoPlainSettings() throws {
    let dir = try TempDir("authctl-expand")
    let secret = "expanded-secret-value-0123456789abcdef"
    let cases: [(String, [String: String], String, String)] = [
      (
        "JWT_SECRET=\(secret)\nAPP_URL=https://x.example/${JWT_SECRET}\n", [:], "APP_URL",
        "JWT_SECRET"
      ),
      ("MAIL_SERVER=${MAIL_PASSWORD}\n", ["MAIL_PASSWORD": secret], "MAIL_SERVER", "MAIL_PASSWORD"),
      (
        "SECRET_KEY=\(secret)\nHIDDEN=${SECRET_KEY:-x}\nMAIL_DEFAULT_SENDER=${HIDDEN}@example.com\n",
        [:], "MAIL_DEFAULT_SENDER", "SECRET_KEY"
      ),
    ]
    for (n, (text, env, setting, source)) in cases.enumerated() {
      let file = dir.file("case\(n).env")
      try text.write(toFile: file, atomically: false, encoding: .utf8)
      let r = try authctl(["--env-file", file, "config"], environment: env)
      #expect(r.status == 78 && Self.oneLine(r), "\(text): \(r.stderr)")
      #expect(r.stderr.contains(setting) && r.stderr.contains(source), "\(r.stderr)")
      #expect(!r.allOutput.contains(secret))
    }
    // Into another secret it may go; `config` masks both.
    let ok = dir.file("ok.env")
    try "JWT_SECRET=\(secret)\nSECRET_KEY=${JWT_SECRET}\n".write(
      toFile: ok, atomically: false, encoding: .utf8)
    let r = try authctl(["--env-file", ok, "config"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.allOutput.contains(secret) && !r.allOutput.contains("0123456789abcdef"))
    #expect(r.stdout.contains("SECRET_KEY") && r.stdout.contains("****"))
    print(
      "SecurityFileTests: \(cases.count) env files copying a secret into a plain setting: exit 78")
  }

  // MARK: 13. A readable database is called out

  @Test func readableGeneratedSecretIsCalledOut() throws {
    let dir = try TempDir("authctl-readable")
    let db = dir.file("r.sqlite")
    let first = try authctl(["--db", db, "migrate"])
    #expect(first.status == 0 && !first.stderr.contains("can read"), "\(first.stderr)")
    chmod(db, 0o640)
    let m = try authctl(["--db", db, "migrate"])
    #expect(m.status == 0, "\(m.stderr)")
    let warnings = m.stderr.split(separator: "\n").filter {
      $0.contains("group or others can read")
    }
    #expect(warnings.count == 1, "\(m.stderr)")
    #expect(
      warnings.first.map {
        $0.hasPrefix("authctl: warning: ") && $0.contains(db) && $0.contains("JWT_SECRET")
          && $0.contains("chmod 600")
      } == true)
    let reg = try authctl(["--db", db, "register", "w@example.com"])
    #expect(reg.status == 0 && reg.stderr.contains("group or others can read"), "\(reg.stderr)")
    let c = try authctl(["--db", db, "config"])
    #expect(c.stdout.contains("# JWT_SECRET source: database file \(db)"), "\(c.stdout)")
    #expect(c.stdout.contains("mode 0640"))
    chmod(db, 0o600)
    #expect(!(try authctl(["--db", db, "migrate"]).stderr.contains("can read")))
    let fromEnv = try authctl(["--db", db, "config"], environment: ["JWT_SECRET": Self.jwtSecret])
    #expect(fromEnv.stdout.contains("# JWT_SECRET source: environment"), "\(fromEnv.stdout)")
    chmod(db, 0o644)
    let envMigrate = try authctl(
      ["--db", db, "migrate"], environment: ["JWT_SECRET": Self.jwtSecret])
    #expect(!envMigrate.stderr.contains("can read"), "the secret in the environment: no warning")
    print("SecurityFileTests: generated secret in a 0640 database: one warning, migrate exit 0")
  }

  // MARK: 14. Edge values are refused, not crashed on

  @Test func hugeDurationsAreRefused() throws {
    let dir = try TempDir("authctl-edge")
    let db = dir.file("e.sqlite")
    #expect(
      try authctl(
        ["--db", db, "register", "e@example.com", "--password-stdin"], stdin: Self.password
      )
      .status == 0)
    #expect(try authctl(["--db", db, "users", "confirm", "e@example.com"]).status == 0)
    let login = ["--db", db, "login", "e@example.com", "--password-stdin"]
    for (name, value) in [
      ("AUTHCTL_SESSION_TTL", "999999999w"), ("AUTHCTL_LOCKOUT_DURATION", "15250284452471w"),
      ("AUTHCTL_CONFIRM_TTL", "9223372036854775807s"), ("AUTHCTL_SESSION_TTL", "36526d"),
    ] {
      let r = try authctl(
        login + ["--session-file", dir.file("s")], environment: [name: value], stdin: Self.password)
      #expect(r.status == 78 && Self.oneLine(r), "\(name)=\(value): \(r.stderr)")
      #expect(r.stderr.contains(name) && r.stderr.contains("longest duration"), "\(r.stderr)")
      #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
    }
    // The longest accepted: the stored expiry stays a real four-digit year.
    let r = try authctl(
      login + ["--session-file", dir.file("s")], environment: ["AUTHCTL_SESSION_TTL": "36525d"],
      stdin: Self.password)
    #expect(r.status == 0, "\(r.stderr)")
    let conn = try Connection(path: db, create: false)
    let expiry = try conn.first("SELECT max(expires_at) FROM sessions") { $0.text(0) } ?? ""
    let year = Int(expiry.prefix(4)) ?? 0
    #expect(expiry.count == 20 && year > 2100 && year < 9999, "\(expiry)")
    print("SecurityFileTests: 4 oversized durations exit 78; 36525d stores \(expiry)")
  }

  /// PyJWT keeps the last of two equal names, authctl's reader would keep one too: a token
  /// whose header or claims name a member twice is refused (77), even when both values agree.
  @Test func duplicateJSONNamesInATokenAreRefused() throws {
    let dir = try TempDir("authctl-dup")
    let db = dir.file("d.sqlite")
    let env = ["JWT_SECRET": Self.jwtSecret]
    #expect(try authctl(["--db", db, "register", "d@example.com"], environment: env).status == 0)
    let token = try #require(try MboxMessage.read(dir.file("d.mbox")).last?.token)
    let forge = """
      import base64, hashlib, hmac, json, sys
      key, token, mode = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
      def dec(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
      def enc(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
      h, p, _ = token.split('.')
      header, payload = dec(h), dec(p)
      claims = json.loads(payload)
      if mode == 'payload':
          payload = b'{"iss":' + json.dumps(claims['iss']).encode() + b',' + payload[1:]
      elif mode == 'escaped':
          payload = b'{"\\\\u0069ss":' + json.dumps(claims['iss']).encode() + b',' + payload[1:]
      elif mode == 'nested':
          sub = json.dumps(claims['sub'], separators=(',', ':'))
          claims['sub'] = '@SUB@'
          text = json.dumps(claims, separators=(',', ':'))
          dup = sub[:-1] + ',"email":"other@example.com"}'
          payload = text.replace('"@SUB@"', dup).encode()
      elif mode == 'header':
          header = b'{"alg":"HS256",' + header[1:]
      else:
          payload = json.dumps(claims, separators=(',', ':')).encode()
      signing = enc(header) + '.' + enc(payload)
      sig = hmac.new(key, signing.encode(), hashlib.sha256).digest()
      print(signing + '.' + enc(sig))
      """
    for mode in ["payload", "escaped", "nested", "header"] {
      let forged = try python(forge, [Self.jwtSecret, token, mode])
      #expect(forged.status == 0, "\(forged.stderr)")
      let t = forged.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let r = try authctl(["--db", db, "confirm", t], environment: env)
      #expect(r.status == 77 && r.stderr.contains("invalid token"), "\(mode): \(r.stderr)")
    }
    #expect(try scalar(db, "SELECT count(*) FROM users WHERE activated_at IS NOT NULL") == 0)
    // The same claims, signed the same way without a duplicate, are accepted.
    let clean = try python(forge, [Self.jwtSecret, token, "clean"])
    let t = clean.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let ok = try authctl(["--db", db, "confirm", t], environment: env)
    #expect(ok.status == 0, "\(ok.stderr)")
    print(
      "SecurityFileTests: 4 tokens with a duplicate JSON name refused (77); the clean one accepted")
  }

  /// While a command waits for a password on stdin, its core limit is 0 and it is not
  /// dumpable: `/proc/PID` then belongs to root though the process runs as nobody (proc(5)).
  /// Started under `prlimit --core=unlimited`, so a limit of 0 is authctl's own doing.
  @Test func coreDumpsAreDisabledWhileAPasswordIsAwaited() throws {
    guard Self.canSwitchUsers("core dumps"),
      FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit")
    else { return }
    let dir = try TempDir("authctl-core")
    let home = Self.nobodysFolder(dir, "home")
    let db = home + "/core.sqlite"
    #expect(try Self.asUser(Self.nobody, Self.nobody, ["--db", db, "migrate"]).status == 0)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
    process.arguments = [
      "--core=unlimited", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
      authctlPath, "--db", db, "login", "c@example.com", "--password-stdin",
    ]
    process.environment = ["AUTHCTL_BCRYPT_COST": "4", "PATH": "/usr/bin:/bin"]
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    defer {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
    }
    // Wait (bounded, no sleep) until authctl itself is blocked reading the pipe.
    let deadline = Date().addingTimeInterval(20)
    var blocked = false
    while Date() < deadline, process.isRunning {
      let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
      let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? ""
      if exe.map({ URL(fileURLWithPath: $0).lastPathComponent == "authctl" }) == true,
        wchan.contains("pipe_read")
      {
        blocked = true
        break
      }
      sched_yield()
    }
    #expect(blocked, "authctl did not block on stdin")
    let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
    let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }
    let fields = core?.split(separator: " ", omittingEmptySubsequences: true) ?? []
    #expect(fields.count >= 6 && fields[4] == "0" && fields[5] == "0", "\(core ?? "")")
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    #expect(status.contains("Uid:\t65534\t65534\t65534\t65534"), "runs as nobody")
    #expect(Self.owner("/proc/\(pid)/status")?.uid == 0, "non-dumpable: /proc/PID is root's")
    print("SecurityFileTests: authctl waiting on stdin as nobody: core limit 0/0, not dumpable")
  }
}

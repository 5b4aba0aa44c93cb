import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 8, secrets: a whole walk with `MAIL_DEBUG=true` and `-v` against an SMTP server with
/// STARTTLS and AUTH, every command run under `umask 000`; then every byte printed and every
/// file authctl made (but the mailbox) is scanned for the passwords, codes, tokens and the
/// base64 of the AUTH exchange. And the modes of every file authctl creates.
@Suite(.serialized, .tags(.slow)) struct SecretsTests {
  static let smtpUser = "mailer-account@example.com"
  static let smtpPassword = "smtp-Secret-Pass-5150"
  static let jwtSecret = "jwt-secret-for-the-scan-0123456789abcdef"

  final class Walk {
    let dir: TempDir
    let db: String
    let session: String
    var environment: [String: String]
    /// Everything every command printed.
    var printed = ""
    var statuses: [(String, Int32)] = []
    /// Every file of the folder after every command, by name.
    var snapshots: [(String, Data)] = []

    init(_ environment: [String: String]) throws {
      dir = try TempDir("authctl-secrets")
      db = dir.file("walk.sqlite")
      session = dir.file("state/authctl/session")
      self.environment = environment
    }

    /// Runs authctl with `-v` under `umask 000`; records its output and status.
    @discardableResult
    func run(_ args: [String], stdin: String? = nil, expect status: Int32 = 0) throws -> RunResult {
      var env = environment
      env["AUTHCTL_BCRYPT_COST"] = env["AUTHCTL_BCRYPT_COST"] ?? "4"
      let r = try TestSupport.run(
        "/bin/sh",
        [
          "-c", "umask 000; exec \"$@\"", "sh", authctlPath, "-v", "--db", db, "--session-file",
          session,
        ] + args,
        environment: env, stdin: stdin, directory: dir.url)
      // Only what authctl printed (the arguments hold tokens and codes on purpose).
      printed += r.stdout + r.stderr
      statuses.append((args[0], r.status))
      // The files as they are after each command (the session file comes and goes).
      let enumerator = FileManager.default.enumerator(atPath: dir.path)
      while let name = enumerator?.nextObject() as? String {
        let path = dir.file(name)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
          let data = FileManager.default.contents(atPath: path)
        else { continue }
        snapshots.append((name, data))
      }
      #expect(r.status == status, "\(args): \(r.stderr)")
      return r
    }
  }

  static func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

  /// The newest message to `to` received by `server`, with its `Token:`, `Code:` and
  /// `Password:` lines.
  static func lines(_ server: SMTPTestServer, to: String) throws -> [String: String] {
    guard let body = try server.received().last(where: { $0.rcptTos.contains(to) })?.body else {
      return [:]
    }
    var out: [String: String] = [:]
    for line in body.split(whereSeparator: \.isNewline) {
      for key in ["Token", "Code", "Password"] where line.hasPrefix("\(key): ") {
        out[key] = String(line.dropFirst(key.count + 2)).trimmingCharacters(in: .whitespaces)
      }
    }
    return out
  }

  @Test func wholeWalkLeaksNothing() throws {
    let server = try SMTPTestServer(
      .init(
        tls: .startTLS, authRequired: true, username: Self.smtpUser, password: Self.smtpPassword))
    let walk = try Walk([
      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": String(server.port), "MAIL_USE_TLS": "true",
      "MAIL_TLS_CA_FILE": TestCertificates.shared.caPath, "MAIL_USERNAME": Self.smtpUser,
      "MAIL_PASSWORD": Self.smtpPassword, "MAIL_DEBUG": "true", "JWT_SECRET": Self.jwtSecret,
      "MAIL_DEFAULT_SENDER": "accounts@example.com",
    ])
    let email = "walker@example.com"
    var secrets: [(String, String)] = []
    func secret(_ label: String, _ value: String?) {
      #expect(value != nil && !(value ?? "").isEmpty, "\(label) found")
      if let value, !value.isEmpty { secrets.append((label, value)) }
    }

    // register (generated password) → confirm → login → whoami.
    try walk.run(["register", email])
    var mail = try Self.lines(server, to: email)
    secret("confirmation token", mail["Token"])
    secret("generated password", mail["Password"])
    let p1 = mail["Password"] ?? ""
    try walk.run(["confirm", mail["Token"] ?? ""])
    let wrong = "wrong-but-secret-password-1"
    secret("a wrong password", wrong)
    try walk.run(["login", email, "--password-stdin"], stdin: wrong + "\n", expect: 77)
    try walk.run(["login", email, "--password-stdin"], stdin: p1 + "\n")
    let sessionToken = try String(contentsOfFile: walk.session, encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    try walk.run(["whoami", "--format", "json"])
    // passwd, scripted: a wrong code first, then the mailed one.
    try walk.run(["passwd", "--request", "--password-stdin"], stdin: p1 + "\n")
    mail = try Self.lines(server, to: email)
    secret("passwd code", mail["Code"])
    let p2 = "second walk passphrase 22"
    secret("passwd new password", p2)
    let wrongCode = mail["Code"] == "000000" ? "000001" : "000000"
    try walk.run(["passwd", "--code", wrongCode, "--password-stdin"], stdin: p2 + "\n", expect: 77)
    try walk.run(["passwd", "--code", mail["Code"] ?? "", "--password-stdin"], stdin: p2 + "\n")
    try walk.run(["login", email, "--password-stdin"], stdin: p2 + "\n")
    try walk.run(["logout"])
    // recover → reset with a chosen password; recover → reset with a generated one.
    try walk.run(["recover", email])
    mail = try Self.lines(server, to: email)
    secret("reset token 1", mail["Token"])
    secret("reset code 1", mail["Code"])
    let p3 = "third walk passphrase 333"
    secret("reset chosen password", p3)
    try walk.run(
      ["reset", mail["Token"] ?? "", "--code", mail["Code"] ?? "", "--password-stdin"],
      stdin: p3 + "\n")
    try walk.run(["recover", email])
    mail = try Self.lines(server, to: email)
    secret("reset token 2", mail["Token"])
    secret("reset code 2", mail["Code"])
    try walk.run(["reset", mail["Token"] ?? "", "--code", mail["Code"] ?? ""])
    mail = try Self.lines(server, to: email)
    secret("reset generated password", mail["Password"])
    // The operator's generated password; a mail deferred then flushed.
    try walk.run(["users", "set-password", email, "--generate"])
    mail = try Self.lines(server, to: email)
    secret("set-password generated password", mail["Password"])
    try walk.run(["mail", "test", "ops@example.com"])
    try walk.run(["mail", "flush", "--all"])
    try walk.run(["mail", "queue"])
    try walk.run(["users", "show", email, "--format", "json"])
    try walk.run(["users", "export", "--format", "jsonl"])
    try walk.run(["log", "--format", "jsonl"])
    try walk.run(["config"])
    try walk.run(["config", "--format", "json"])
    #expect(try server.sawAuth)
    #expect(
      try scalar(walk.db, "SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0,
      "all delivered")
    #expect(
      try scalar(walk.db, "SELECT count(*) FROM outbox WHERE body IS NOT NULL") == 0,
      "bodies forgotten")

    // AUTH LOGIN as well: a server that offers only LOGIN, for one `mail test`.
    let loginServer = try SMTPTestServer(
      .init(
        tls: .startTLS, authRequired: true, username: Self.smtpUser, password: Self.smtpPassword,
        authMechanisms: ["LOGIN"]))
    walk.environment["MAIL_PORT"] = String(loginServer.port)
    try walk.run(["mail", "test", "ops@example.com"])
    #expect(try loginServer.received().count == 1)

    secrets += [
      ("SMTP password", Self.smtpPassword),
      ("AUTH PLAIN base64", Self.base64("\0\(Self.smtpUser)\0\(Self.smtpPassword)")),
      ("AUTH LOGIN username base64", Self.base64(Self.smtpUser)),
      ("AUTH LOGIN password base64", Self.base64(Self.smtpPassword)),
      ("JWT_SECRET", Self.jwtSecret),
      ("session token", sessionToken),
    ]

    // Every byte printed…
    var found: [String] = []
    for (label, value) in secrets where walk.printed.contains(value) {
      found.append("\(label) in the output")
    }
    #expect(walk.printed.contains("AUTH PLAIN ****"), "the transcript was on and redacted")
    // …and every file in the folder after each command (authctl made them all; there is no
    // mailbox here), as bytes.
    for (name, data) in walk.snapshots {
      for (label, value) in secrets {
        // The session file holds its own token, by design.
        if label == "session token" && name.hasSuffix("session") { continue }
        if data.range(of: Data(value.utf8)) != nil { found.append("\(label) in \(name)") }
      }
    }
    found = Array(Set(found)).sorted()
    let files = Set(walk.snapshots.map(\.0))
    let printedStatuses = walk.statuses.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")
    print(
      "SecretsTests: \(walk.statuses.count) commands (\(printedStatuses)); \(secrets.count) secrets scanned for in \(walk.printed.utf8.count) bytes of output and \(walk.snapshots.count) snapshots of \(files.count) files (\(files.sorted().joined(separator: ", "))): \(found.isEmpty ? "none found" : found.joined(separator: "; "))"
    )
    #expect(found.isEmpty, "secrets leaked: \(found)")
  }

  /// Every file authctl creates is 0600 and the session folder 0700, under `umask 000`.
  @Test func fileModesUnderUmask000() throws {
    let walk = try Walk([:])
    let email = "modes@example.com"
    let password = "modes walk passphrase 44"
    try walk.run(["register", email, "--password-stdin"], stdin: password + "\n")
    try walk.run(["users", "confirm", email])
    try walk.run(["login", email, "--password-stdin"], stdin: password + "\n")
    func mode(_ path: String) -> mode_t? {
      var st = stat()
      return stat(path, &st) == 0 ? st.st_mode & 0o7777 : nil
    }
    var checked: [String] = []
    for path in [walk.db, walk.dir.file("walk.mbox"), walk.session] {
      #expect(mode(path) == 0o600, "\(path) is \(String(mode(path) ?? 0, radix: 8))")
      checked.append((path as NSString).lastPathComponent)
    }
    let folder = (walk.session as NSString).deletingLastPathComponent
    #expect(mode(folder) == 0o700, "session folder is \(String(mode(folder) ?? 0, radix: 8))")
    // -wal and -shm exist only while a connection is open: watch them during a long import.
    var csv = "email,password_hash,activated_at,created_at\n"
    for i in 0..<20000 { csv += "bulk\(i)@example.com,,,\n" }
    let file = walk.dir.file("bulk.csv")
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    let p = try SpawnedProcess(
      [
        "-c", "umask 000; exec \"$@\"", "sh", authctlPath, "-q", "--db", walk.db, "users", "import",
        file,
      ],
      executable: "/bin/sh", scratch: walk.dir)
    var seen: [String: mode_t] = [:]
    while p.process.isRunning && seen.count < 2 {
      for suffix in ["-wal", "-shm"] where seen[suffix] == nil {
        if let m = mode(walk.db + suffix) { seen[suffix] = m }
      }
      sched_yield()
    }
    p.wait()
    #expect(p.status == 0, "\(p.stderr)")
    for suffix in ["-wal", "-shm"] {
      #expect(
        seen[suffix] == 0o600,
        "\(suffix) is \(seen[suffix].map { String($0, radix: 8) } ?? "never seen")")
      if seen[suffix] != nil { checked.append("walk.sqlite\(suffix)") }
    }
    checked.append("state/authctl/")
    print(
      "SecretsTests: under umask 000: \(checked.joined(separator: ", ")) checked (0600; folder 0700)"
    )
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// A person's walk through the tool: one database, one session file, one environment, every
/// command's output kept for the secret scan.
final class Walk: @unchecked Sendable {
  let dir: TempDir
  let db: String
  let session: String
  var env: [String: String]
  /// Everything printed by every command but `mail show`, for the secret scan.
  var printed = ""
  /// Secrets seen in mails: passwords, codes, tokens.
  var secrets: [String] = []

  /// The store the walk runs on (issue 13: the walks run on both).
  let store: StoreKind

  init(env extra: [String: String] = [:], store: StoreKind = .sqlite) throws {
    dir = try TempDir("walk")
    self.store = store
    db = try TestDatabase(store, name: "walk", dir: dir).location
    session = dir.file("state/authctl/session")
    env = ["AUTHCTL_DB": db, "AUTHCTL_SESSION_FILE": session]
    env.merge(extra) { $1 }
  }

  @discardableResult
  func run(
    _ args: [String], stdin: String? = nil, expect status: Int32 = 0,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RunResult {
    let r = try authctl(args, environment: env, stdin: stdin, directory: dir.url)
    #expect(
      r.status == status, "\(args): status \(r.status), stderr: \(r.stderr)",
      sourceLocation: sourceLocation)
    if args.first != "mail" || args.dropFirst().first != "show" { printed += r.allOutput }
    return r
  }

  /// The SQLite file, for tests of SQLite itself.
  func connection() throws -> Connection { try Connection(path: db, create: false) }

  /// Reads the walk's database, SQLite or PostgreSQL.
  var probe: DatabaseProbe { DatabaseProbe(db) }

  /// The local mailbox the walk's commands append to.
  var mbox: String {
    dir.file((MailboxNotifier.path(forDatabase: db) as NSString).lastPathComponent)
  }

  func value(_ sql: String, _ values: [SQLValue] = []) throws -> String? {
    try probe.value(sql, values)
  }

  func count(_ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
    try probe.integer(sql, values)
  }

  /// Every row of every table, as text: "nothing changed" compares two of these.
  func snapshot() throws -> String {
    var out = ""
    for table in ["users", "sessions", "codes", "outbox", "settings"] {
      out += table + ":\n"
      let rows = try probe.rows("SELECT * FROM \(table) ORDER BY 1").map { row in
        row.map { $0 ?? "NULL" }.joined(separator: "|")
      }
      out += rows.joined(separator: "\n") + "\n"
    }
    return out
  }

  /// The value of a `Name: value` line of a mail body.
  static func line(_ name: String, in body: String) -> String? {
    for l in body.split(separator: "\n", omittingEmptySubsequences: false) {
      let s = l.hasSuffix("\r") ? String(l.dropLast()) : String(l)
      if s.hasPrefix(name + ": ") { return String(s.dropFirst(name.count + 2)) }
    }
    return nil
  }

  /// The first line of a body that starts with `prefix` (a link).
  static func lineStarting(_ prefix: String, in body: String) -> String? {
    body.split(separator: "\n").map(String.init).first { $0.hasPrefix(prefix) }
  }

  func remember(_ secret: String?) -> String? {
    if let secret { secrets.append(secret) }
    return secret
  }

  /// Asserts no secret seen in a mail was printed by any command.
  func scanPrinted(sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!secrets.isEmpty, sourceLocation: sourceLocation)
    for s in secrets {
      #expect(
        !printed.contains(s), "a secret was printed: \(s.prefix(8))…",
        sourceLocation: sourceLocation)
    }
  }
}

/// Runs `authctl passwd` on a pseudo-terminal as a person would: current password, the code
/// from the mail (read from `codeCommand`'s output when it prints one), new password twice.
/// Returns the exit status and what the terminal showed.
func interactivePasswd(
  env: [String: String], directory: String, current: String, new: String,
  codeFromSpool spool: String? = nil, codeFromMailbox: Bool = false
) throws -> (status: Int32, screen: String) {
  var fullEnv = env
  fullEnv["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  fullEnv["AUTHCTL_BCRYPT_COST"] = fullEnv["AUTHCTL_BCRYPT_COST"] ?? "4"
  let script = #"""
    import json, os, pty, re, sys, time, glob
    exe, env, cwd, current, new, spool, mbox = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
    before = set(glob.glob(os.path.join(spool, "msg-*.json"))) if spool else set()
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(exe, [exe, "passwd"], env)
    screen = b""
    def wait_for(text, timeout=20):
        global screen
        end = time.time() + timeout
        while text.encode() not in screen:
            if time.time() > end:
                raise SystemExit("timeout waiting for %r; screen: %r" % (text, screen))
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                raise SystemExit("terminal closed waiting for %r; screen: %r" % (text, screen))
            if not chunk:
                raise SystemExit("EOF waiting for %r" % text)
            screen += chunk
    def code():
        # The mail is delivered (the server spools it before its final 250; the mailbox is
        # appended to) before authctl asks for the code: it is there when the prompt shows.
        if spool:
            for name in sorted(set(glob.glob(os.path.join(spool, "msg-*.json"))) - before):
                body = json.load(open(name)).get("body") or ""
                m = re.search(r"^Code: (\d{6})$", body, re.M)
                if m: return m.group(1)
        else:
            import mailbox
            msgs = list(mailbox.mbox(mbox))
            if msgs:
                body = msgs[-1].get_payload(decode=True).decode()
                m = re.search(r"^Code: (\d{6})$", body, re.M)
                if m: return m.group(1)
        raise SystemExit("no code mailed before the prompt for it")
    wait_for("Current password:"); os.write(fd, (current + "\n").encode())
    wait_for("Code from the mail:"); os.write(fd, (code() + "\n").encode())
    wait_for("New password:"); os.write(fd, (new + "\n").encode())
    wait_for("New password again:"); os.write(fd, (new + "\n").encode())
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk: break
        screen += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(screen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))
    """#
  let envJSON = String(decoding: try JSONSerialization.data(withJSONObject: fullEnv), as: UTF8.self)
  let db = env["AUTHCTL_DB"] ?? ""
  let mbox =
    !codeFromMailbox
    ? ""
    : StoreLocation(db).isPostgres
      ? directory + "/" + MailboxNotifier.path(forDatabase: db)
      : MailboxNotifier.path(forDatabase: db)
  let r = try python(
    script, [authctlPath, envJSON, directory, current, new, spool ?? "", mbox])
  return (r.status, r.stdout + r.stderr)
}

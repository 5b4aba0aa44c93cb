import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What the tests against real servers share (issue 14): whether they run, free ports, the
/// server processes, and a database of accounts in every state that a server's user may use.
///
/// A suite runs when its programs are installed and the tests run as root (the servers start
/// as root and drop to their own users, and pamtester needs a file in /etc/pam.d). Otherwise
/// it is skipped with the reason — except under `CI=true`, where it runs and fails: `.ci/run`
/// installs every package.
enum ServerTest {
  static let ci: Bool = {
    let v = ProcessInfo.processInfo.environment["CI"]?.lowercased()
    return v == "true" || v == "1"
  }()

  static let isRoot = geteuid() == 0

  /// The program's full path: on `PATH` or in the sbin folders, where Debian puts servers.
  static func tool(_ name: String) -> String? {
    if let p = which(name) { return p }
    for dir in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// Whether a suite needing `tools` runs here.
  static func runs(_ tools: [String]) -> Bool {
    ci || (isRoot && tools.allSatisfy { tool($0) != nil })
  }

  /// Why it is skipped, naming the packages to install.
  static func skipped(_ tools: [String], packages: String) -> Comment {
    let missing = tools.filter { tool($0) == nil }
    if !missing.isEmpty {
      return "\(missing.joined(separator: ", ")) not installed (apt-get install \(packages))"
    }
    return "needs root (the servers start as root and drop to their users)"
  }

  /// The path of `name`, or a failure naming the package (under CI, where the suite runs).
  static func require(_ name: String, package: String) throws -> String {
    guard let p = tool(name) else {
      throw TestSupportError("\(name) is not installed: apt-get install \(package) (see .ci/run)")
    }
    guard isRoot else { throw TestSupportError("the server tests run as root") }
    return p
  }

  /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
      }
    }
    guard bound else { throw TestSupportError("bind: \(errno)") }
    return Int(UInt16(bigEndian: addr.sin_port))
  }

  /// True when something accepts connections on 127.0.0.1:`port`.
  static func accepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }

  /// `curl` with `arguments` (no progress, no output body unless asked).
  static func curl(_ arguments: [String]) throws -> RunResult {
    try run(try require("curl", package: "curl"), ["-s", "--max-time", "20"] + arguments)
  }

  /// A function giving the HTTP status of `url` for a user and password (`curl -u`, or
  /// `curl -x PROXY -U` through a proxy).
  static func basicAuth(_ url: String, proxy: String? = nil) -> (String, String) throws -> String {
    { user, password in try httpStatus(url, user: user, password: password, proxy: proxy) }
  }

  /// The HTTP status `curl -u USER:PASSWORD URL` gets.
  static func httpStatus(_ url: String, user: String, password: String, proxy: String? = nil)
    throws -> String
  {
    var args = ["-o", "/dev/null", "-w", "%{http_code}"]
    if let proxy {
      args += ["-x", proxy, "-U", "\(user):\(password)"]
    } else {
      args += ["-u", "\(user):\(password)"]
    }
    return try curl(args + [url]).stdout
  }
}

/// A server started in the foreground for one test, its output in a file of its folder, and
/// stopped when the test ends.
///
/// Started with `posix_spawn` rather than Foundation's `Process`: a test thread blocks most
/// signals, and a spawned process inherits that mask, so Apache's children would never see the
/// SIGTERM of a shutdown. Here the server starts with no signal blocked and default handlers,
/// in a process group of its own, which `stop` ends whole.
final class ServerProcess: @unchecked Sendable {
  let name: String
  let pid: pid_t
  let outputPath: String
  /// More log files to show when the server fails (its own error log).
  let logs: [String]
  private var exited = false

  init(
    _ name: String, executable: String, arguments: [String], in dir: TempDir,
    logs: [String] = []
  ) throws {
    self.name = name
    self.logs = logs
    outputPath = dir.file("\(name).out")
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attr, &none)
    var all = sigset_t()
    sigfillset(&all)
    sigdelset(&all, SIGKILL)
    sigdelset(&all, SIGSTOP)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setpgroup(&attr, 0)
    posix_spawnattr_setflags(
      &attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_APPEND, 0)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, executable, &actions, &attr, argv, environ)
    guard rc == 0 else { throw TestSupportError("posix_spawn \(executable): \(rc)") }
    pid = child
  }

  deinit { stop() }

  /// True while the server's first process has not exited (reaping it when it has).
  var isRunning: Bool {
    if exited { return false }
    var status: Int32 = 0
    if waitpid(pid, &status, WNOHANG) == pid { exited = true }
    return !exited
  }

  /// Waits until the server accepts connections on `port`, at most `timeout` seconds; throws
  /// with its logs when it exits or never listens.
  func waitForPort(_ port: Int, timeout: TimeInterval = 30) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if ServerTest.accepts(port) { return }
      guard isRunning else { break }
      usleep(20_000)
    }
    throw TestSupportError("\(name) did not listen on port \(port):\n\(logText)")
  }

  /// Everything the server printed and logged, for a failing test.
  var logText: String {
    ([outputPath] + logs).map { path in
      "== \(path)\n" + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "(none)")
    }.joined(separator: "\n")
  }

  /// Stops the server: SIGTERM, then after 10 s SIGKILL; then whatever is left of its process
  /// group (workers, helpers) gets SIGKILL. Safe to call more than once.
  func stop() {
    if isRunning {
      kill(pid, SIGTERM)
      for _ in 0..<500 where isRunning { usleep(20_000) }
    }
    kill(-pid, SIGKILL)
    if isRunning {
      var status: Int32 = 0
      waitpid(pid, &status, 0)
      exited = true
    }
  }
}

/// A folder with a copy of the built authctl (mode 0755, so a server's user can run it
/// whatever the checkout's folders allow) and a database holding one account in each state:
///
/// | email | state |
/// | --- | --- |
/// | `ann@example.com` | active |
/// | `una@example.com` | unconfirmed |
/// | `dis@example.com` | disabled |
/// | `loc@example.com` | locked (for an hour) |
/// | `max@example.com` | active, for lockout tests |
///
/// all with `password`. With a `group`, the database folder is `root:GROUP 2770` and the
/// database `root:GROUP 0660`: the service-group model of docs/INTEGRATIONS.md.
final class ServiceAccounts: @unchecked Sendable {
  static let password = "correct horse battery 9"
  static let wrong = "not the password at all"
  static let active = "ann@example.com"
  static let unconfirmed = "una@example.com"
  static let disabled = "dis@example.com"
  static let locked = "loc@example.com"
  static let spare = "max@example.com"

  let dir: TempDir
  let bin: String
  let data: String
  let db: String

  init(group: String? = nil, cost: Int = 4, in parent: URL? = nil) throws {
    dir = try TempDir("authctl-server", in: parent)
    chmod(dir.path, 0o755)
    try FileManager.default.createDirectory(
      atPath: dir.file("bin"), withIntermediateDirectories: true)
    bin = dir.file("bin/authctl")
    try Self.install(authctlPath, at: bin)
    data = dir.file("data")
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    db = data + "/authctl.sqlite"
    let hash = try PasswordHasher(cost: cost).hash(Self.password)
    let now = "2024-01-31T10:00:00Z"
    var csv = "email,password_hash,activated_at,created_at\n"
    for email in [Self.active, Self.disabled, Self.locked, Self.spare] {
      csv += "\(email),\(hash),\(now),\(now)\n"
    }
    csv += "\(Self.unconfirmed),\(hash),,\(now)\n"
    try authctlOK(["users", "import", "-"], stdin: csv)
    try authctlOK(["users", "disable", Self.disabled])
    try sql(
      "UPDATE users SET locked_until = ?1 WHERE email = ?2",
      [
        .text(Timestamp.format(Int64(Date().timeIntervalSince1970) + 3600)), .text(Self.locked),
      ])
    if let group {
      guard let gr = getgrnam(group) else { throw TestSupportError("no group \(group)") }
      let gid = gr.pointee.gr_gid
      for (path, mode) in [(data, mode_t(0o2770)), (db, mode_t(0o660))] {
        guard chown(path, 0, gid) == 0, chmod(path, mode) == 0 else {
          throw TestSupportError("chown/chmod \(path): \(errno)")
        }
      }
    }
  }

  /// Puts the binary at `path`, mode 0755: a hard link when the two are on one file system,
  /// else a copy written through a descriptor closed on exec. (A copy made by FileManager keeps
  /// a descriptor a process spawned meanwhile by a parallel test can inherit and hold, and
  /// running the copy then fails with ETXTBSY.)
  static func install(_ source: String, at path: String) throws {
    if link(source, path) == 0 { return }
    let data = try Data(contentsOf: URL(fileURLWithPath: source))
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
    guard fd >= 0 else { throw TestSupportError("create \(path): \(errno)") }
    defer { close(fd) }
    let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == data.count, fchmod(fd, 0o755) == 0 else {
      throw TestSupportError("write \(path): \(errno)")
    }
  }

  /// Runs the built authctl on the database, as root; fails the test unless it exits 0.
  @discardableResult
  func authctlOK(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
    let r = try run(
      authctlPath, ["--db", db, "-q"] + arguments, environment: ["AUTHCTL_BCRYPT_COST": "4"],
      stdin: stdin, directory: dir.url)
    guard r.status == 0 else {
      throw TestSupportError("authctl \(arguments): \(r.status) \(r.stderr)")
    }
    return r
  }

  /// Runs the built authctl (`AUTHCTL_BCRYPT_COST=4` unless `env` says) on the database in
  /// the folder, and expects `status`.
  @discardableResult
  func expectRun(
    _ args: [String], stdin: String? = nil, env: [String: String] = [:], status: Int32,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> RunResult {
    let r = try authctl(["--db", db] + args, environment: env, stdin: stdin, directory: dir.url)
    #expect(r.status == status, "\(args): \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
    return r
  }

  /// Runs one statement on the database (a connection closed at once, so no -wal is left
  /// behind owned by root with another mode).
  func sql(_ statement: String, _ values: [SQLValue] = []) throws {
    let c = try Connection(path: db, create: false)
    try c.run(statement, values)
  }

  func value(_ query: String, _ values: [SQLValue] = []) throws -> String? {
    let c = try Connection(path: db, create: false)
    return try c.first(query, values) { $0.optionalText(0) } ?? nil
  }

  /// Asserts what a server answers for each account state: `granted` for the active account's
  /// right password, `refused` for a wrong one and for the unknown, unconfirmed, disabled and
  /// locked accounts' right passwords.
  static func expectOnlyTheActiveAccount(
    granted: String, refused: String, _ answer: (String, String) throws -> String,
    log: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(try answer(active, password) == granted, "\(log())", sourceLocation: sourceLocation)
    for (user, pw) in [
      (active, wrong), ("nobody@example.com", password), (unconfirmed, password),
      (disabled, password), (locked, password),
    ] {
      #expect(try answer(user, pw) == refused, "\(user)", sourceLocation: sourceLocation)
    }
  }

  /// Failed `check` events in the audit log for `email`.
  func failedChecks(_ email: String) throws -> Int {
    Int(
      try value(
        "SELECT count(*) FROM audit WHERE event = 'check' AND outcome = 'failed' AND email = ?1",
        [.text(email)]) ?? "0") ?? 0
  }
}

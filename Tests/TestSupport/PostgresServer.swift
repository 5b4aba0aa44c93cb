import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A real PostgreSQL server for the tests (issue 13): Debian's `postgresql` package, its
/// `initdb` and `pg_ctl` (`/usr/lib/postgresql/*/bin`, or `AUTHCTL_TEST_PG_BIN`) run into a
/// temporary folder — as the `postgres` user through `runuser` when the tests run as root,
/// since the server refuses root. It listens on a Unix socket in that folder and on
/// 127.0.0.1 at a free port with TLS (a certificate of `TestCertificates`' CA), trusts local
/// connections, and asks the role `pwuser` for its password (scram-sha-256) over TCP.
///
/// One server serves the whole test run (`shared`); each test takes a fresh database from
/// `newDatabase()`. The server is stopped and its folder removed when the process exits.
public final class PostgresServer: @unchecked Sendable {
  public let directory: String
  public let binDirectory: String
  public let port: Int
  /// The superuser every local connection uses.
  public let superuser = "postgres"
  /// A role that logs in with a password over TCP, and its password.
  public let passwordUser = "pwuser"
  public let password = "pw-0123456789"
  private let runAs: String?
  private let lock = NSLock()
  private var databases = 0

  /// The server, started on first use; nil (with the reason) when none can be started here.
  public static let shared: Result<PostgresServer, TestSupportError> = {
    do {
      let server = try PostgresServer()
      atexit { if case .success(let s) = PostgresServer.shared { s.stop() } }
      return .success(server)
    } catch let e as TestSupportError {
      return .failure(e)
    } catch {
      return .failure(TestSupportError("\(error)"))
    }
  }()

  /// Why the PostgreSQL tests cannot run here (nil when they can), for a build that has the
  /// PostgreSQL store (`built`) or not.
  public static func unavailableReason(built: Bool) -> String? {
    guard built else { return "this build has no PostgreSQL store: swift test --traits PostgreSQL" }
    if case .failure(let e) = shared { return e.description }
    return nil
  }

  /// Whether a suite runs its PostgreSQL cases: when they can run, or must (CI, where a
  /// missing server then fails them); otherwise says once, under `label`, why they are skipped.
  public static func runsCases(built: Bool, label: String) -> Bool {
    guard let reason = unavailableReason(built: built) else { return true }
    if required { return true }
    print("\(label): PostgreSQL skipped (\(reason)); CI=true makes this a failure")
    return false
  }

  /// True under CI (`CI=true`): a server that cannot start is a failure, not a skip.
  public static var required: Bool {
    ProcessInfo.processInfo.environment["CI"].map {
      ["true", "1", "yes"].contains($0.lowercased())
    }
      ?? false
  }

  /// The folder of `initdb`, `pg_ctl` and `psql`: `AUTHCTL_TEST_PG_BIN`, else the newest
  /// `/usr/lib/postgresql/N/bin` that has them.
  public static func findBinaries() -> String? {
    if let dir = ProcessInfo.processInfo.environment["AUTHCTL_TEST_PG_BIN"] { return dir }
    let base = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
      .compactMap { Int($0) }.sorted(by: >)
    for v in versions {
      let dir = "\(base)/\(v)/bin"
      if FileManager.default.isExecutableFile(atPath: "\(dir)/initdb"),
        FileManager.default.isExecutableFile(atPath: "\(dir)/pg_ctl")
      {
        return dir
      }
    }
    return nil
  }

  /// A server of the test's own (for tests that restart it), stopped by `stop()`.
  public static func start() throws -> PostgresServer { try PostgresServer() }

  init() throws {
    guard let bin = Self.findBinaries() else {
      throw TestSupportError(
        "no PostgreSQL server binaries (apt-get install postgresql; or set AUTHCTL_TEST_PG_BIN)")
    }
    binDirectory = bin
    runAs = geteuid() == 0 ? "postgres" : nil
    let dir = "/tmp/authctl-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    directory = dir
    try FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    if let user = runAs {
      guard let pw = getpwnam(user) else {
        throw TestSupportError("running as root, but there is no '\(user)' user to run the server")
      }
      chown(dir, pw.pointee.pw_uid, pw.pointee.pw_gid)
    }
    port = try Self.freePort()
    let initdb = try call(
      "\(bin)/initdb",
      [
        "-D", "\(dir)/data", "-U", superuser, "-A", "trust", "--no-sync", "-E", "UTF8",
        "--locale=C.UTF-8",
      ])
    guard initdb.status == 0 else { throw TestSupportError("initdb: \(initdb.allOutput)") }
    // TLS with a certificate of the test CA; the key must be the server user's, 0600.
    let certs = TestCertificates.shared
    for (from, to) in [
      (certs.localhost.certificatePath, "server.crt"), (certs.localhost.keyPath, "server.key"),
    ] {
      let target = "\(dir)/data/\(to)"
      try? FileManager.default.removeItem(atPath: target)
      try FileManager.default.copyItem(atPath: from, toPath: target)
      chmod(target, 0o600)
      if let user = runAs, let pw = getpwnam(user) {
        chown(target, pw.pointee.pw_uid, pw.pointee.pw_gid)
      }
    }
    let hba = """
      local all all trust
      host all \(passwordUser) 127.0.0.1/32 scram-sha-256
      host all all 127.0.0.1/32 trust

      """
    try write(hba, to: "\(dir)/data/pg_hba.conf")
    let conf = """
      listen_addresses = '127.0.0.1'
      port = \(port)
      unix_socket_directories = '\(dir)'
      max_connections = 300
      fsync = off
      synchronous_commit = off
      full_page_writes = off
      ssl = on
      ssl_cert_file = 'server.crt'
      ssl_key_file = 'server.key'
      log_min_messages = warning

      """
    let existing =
      (try? String(contentsOfFile: "\(dir)/data/postgresql.conf", encoding: .utf8)) ?? ""
    try write(existing + conf, to: "\(dir)/data/postgresql.conf")
    let start = try call("\(bin)/pg_ctl", ["-D", "\(dir)/data", "-l", "\(dir)/log", "-w", "start"])
    guard start.status == 0 else {
      let log = (try? String(contentsOfFile: "\(dir)/log", encoding: .utf8)) ?? ""
      throw TestSupportError("pg_ctl start: \(start.allOutput)\n\(log)")
    }
    try watch()
    let role = try psql(
      "postgres",
      "CREATE ROLE \(passwordUser) LOGIN SUPERUSER PASSWORD '\(password)'")
    guard role.status == 0 else { throw TestSupportError("create role: \(role.allOutput)") }
  }

  /// A fresh, empty database; returns its name.
  public func newDatabase(_ label: String = "t") throws -> String {
    lock.lock()
    databases += 1
    let name = "\(label)_\(databases)"
    lock.unlock()
    let r = try psql("postgres", "CREATE DATABASE \(name)")
    guard r.status == 0 else { throw TestSupportError("CREATE DATABASE: \(r.allOutput)") }
    return name
  }

  /// The `--db` URL of `database` over the Unix socket, as the superuser.
  public func url(_ database: String) -> String {
    "postgresql:///\(database)?host=\(directory)&port=\(port)&user=\(superuser)"
  }

  /// The URL of `database` over TCP to `localhost` (for TLS and passwords).
  public func tcpURL(_ database: String, user: String? = nil, _ parameters: String = "")
    -> String
  {
    "postgresql://\(user ?? superuser)@localhost:\(port)/\(database)"
      + (parameters.isEmpty ? "" : "?\(parameters)")
  }

  /// Runs `sql` with psql on `database` (CSV, no header, stops at the first error).
  @discardableResult
  public func psql(_ database: String, _ sql: String) throws -> RunResult {
    try run(
      "\(binDirectory)/psql",
      [
        "-X", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-t", "-h", directory, "-p", String(port),
        "-U", superuser, "-d", database, "-c", sql,
      ])
  }

  /// `pg_ctl restart -m fast` (every session is cut), waiting until it accepts again.
  @discardableResult
  public func restart() throws -> RunResult {
    try call(
      "\(binDirectory)/pg_ctl",
      [
        "-D", "\(directory)/data", "-l", "\(directory)/log", "-m", "fast",
        "-w", "restart",
      ])
  }

  public func stop() {
    _ = try? call(
      "\(binDirectory)/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"])
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Runs a server program as the server's user, its output in a file, and waits for it.
  /// Spawned with every descriptor above stderr closed and reaped with `waitpid` (not
  /// Foundation's `Process`, which learns of an exit when a socket it shares with the child
  /// closes — and the server `pg_ctl start` leaves running would hold it open for ever).
  func call(_ program: String, _ arguments: [String]) throws -> RunResult {
    try spawn(
      (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", program] } ?? [program]) + arguments)
  }

  /// Starts a watcher that stops the server and removes its folder once the test process is
  /// gone, however it ended (a crash skips `atexit`).
  func watch() throws {
    let stop =
      (runAs.map { "/usr/sbin/runuser -u \($0) -- " } ?? "")
      + "'\(binDirectory)/pg_ctl' -D '\(directory)/data' -m immediate -w stop"
    let script =
      "while kill -0 \(getpid()) 2>/dev/null; do sleep 2; done; \(stop); rm -rf '\(directory)'"
    _ = try spawn(["/bin/bash", "-c", script], wait: false)
  }

  /// Runs `argv` with stdin from /dev/null and its output in a file; waits unless `wait` is
  /// false. bash closes every descriptor above 2 first (posix_spawn's closefrom is not
  /// exported to Swift).
  func spawn(_ command: [String], wait: Bool = true) throws -> RunResult {
    let closeAll =
      #"cd "$0" && for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec "$@""#
    let argv = ["/bin/bash", "-c", closeAll, directory] + command
    let output = wait ? "\(directory)/call-\(UInt32.random(in: 0...UInt32.max)).out" : "/dev/null"
    defer { if wait { try? FileManager.default.removeItem(atPath: output) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { for a in cArgs { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
    guard rc == 0 else { throw TestSupportError("posix_spawn \(argv[0]): \(rc)") }
    guard wait else { return RunResult(status: 0, stdout: "", stderr: "", stdoutData: Data()) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    let exited = status & 0x7f == 0
    return RunResult(
      status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: text, stderr: "",
      stdoutData: Data(text.utf8))
  }

  func write(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    if let user = runAs, let pw = getpwnam(user) {
      chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid)
    }
  }

  /// A TCP port free on 127.0.0.1 now (bound to 0, read, closed).
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
    }
    guard bound == 0 else { throw TestSupportError("bind: \(errno)") }
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
  }
}

import CProcess

#if canImport(Glibc)
  import Glibc
#endif

/// The hook program (`AUTHCTL_HOOK`, issue 15): trusted only as the env file is, then run
/// once per event with the event's JSON on stdin.
///
/// A run starts with a clean environment (`PATH` alone), nothing open but its stdin (the
/// object, then end of file), stdout and stderr (one pipe, its first KiB kept), in a process
/// group of its own with default signal handling. It ends when the program exits, or at the
/// timeout; either way the group is then killed with SIGKILL, so nothing a hook started
/// outlives its run (a daemon must detach with `setsid`).
struct HookProgram {
  /// The program as configured, for messages.
  let configured: String
  /// The file run: `configured` with its symbolic links resolved, as checked.
  let path: String
  let timeout: Duration

  /// Output kept from a failed run.
  static let outputKept = 1024
  /// The whole environment of a run: a fixed search path, nothing of authctl's own (which may
  /// hold `JWT_SECRET` or `MAIL_PASSWORD`).
  static let environment = ["PATH=/usr/local/bin:/usr/bin:/bin"]

  /// Checks `configured` as the env file is checked (`Config.readTrusted`: ssh's StrictModes,
  /// git's `safe.directory`): a regular, executable file owned by the caller or root and
  /// writable by neither group nor others. Anything else is refused (exit 78) before any
  /// event is tried.
  init(_ configured: String, timeout: Duration) throws(ConfigError) {
    self.configured = configured
    self.timeout = timeout
    func refused(_ problem: String) -> ConfigError {
      ConfigError(name: "AUTHCTL_HOOK", source: nil, problem: "\(configured): \(problem)")
    }
    guard let resolved = realpath(configured, nil) else {
      throw refused(String(cString: strerror(errno)))
    }
    path = String(cString: resolved)
    free(resolved)
    var st = stat()
    guard stat(path, &st) == 0 else { throw refused(String(cString: strerror(errno))) }
    let f = FileOwner(st)
    guard f.isRegular else { throw refused("not a regular file") }
    guard access(path, X_OK) == 0 else { throw refused("not executable (chmod u+x it)") }
    if !f.ownedByCallerOrRoot {
      throw refused(
        "owned by \(FileOwner.userName(f.uid)), not by you or root; refused (as the env file)")
    }
    if f.groupOrOthersCanWrite {
      throw refused("writable by group or others (mode \(f.modeText)); refused — chmod go-w it")
    }
  }

  /// How a run ended.
  enum Outcome: Equatable, Sendable {
    /// The program exited 0.
    case delivered
    /// It exited otherwise, died of a signal, timed out or could not start: why (`cause`,
    /// what the audit records), and the first KiB of what it printed.
    case failed(cause: String, output: String)
  }

  /// Runs the program once with `input` (at most `PIPE_BUF` bytes: `HookPayload` keeps it
  /// so) as its whole stdin.
  func run(_ input: [UInt8]) -> Outcome {
    guard input.count <= Int(PIPE_BUF) else {
      return .failed(
        cause: "the event is \(input.count) bytes, more than a pipe holds at once", output: "")
    }
    var stdin: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    guard pipe(&stdin) == 0 else {
      return .failed(cause: "pipe: \(String(cString: strerror(errno)))", output: "")
    }
    guard pipe(&output) == 0 else {
      close(stdin[0])
      close(stdin[1])
      return .failed(cause: "pipe: \(String(cString: strerror(errno)))", output: "")
    }
    // The object goes into the empty pipe before the program starts: it fits (PIPE_BUF), so
    // the write cannot block, and the program's stdin ends right after it.
    let wrote = (try? writeAll(stdin[1], input, "write")) != nil
    close(stdin[1])
    guard wrote else {
      close(stdin[0])
      close(output[0])
      close(output[1])
      return .failed(cause: "could not write the event to the program's stdin", output: "")
    }
    let spawned = spawn(stdin: stdin[0], output: output[1])
    close(stdin[0])
    close(output[1])
    defer { close(output[0]) }
    guard case .success(let pid) = spawned else {
      if case .failure(let code) = spawned {
        return .failed(
          cause: "cannot run \(configured): \(String(cString: strerror(code.code)))", output: "")
      }
      return .failed(cause: "cannot run \(configured)", output: "")
    }
    return wait(pid, output: output[0])
  }

  /// Starts the program: `stdin` and `output` as its 0, and 1 and 2, nothing else open, a new
  /// process group, every signal at its default and none blocked (authctl ignores SIGPIPE).
  private func spawn(stdin: Int32, output: Int32) -> Result<pid_t, SpawnFailure> {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    posix_spawn_file_actions_adddup2(&actions, output, 1)
    posix_spawn_file_actions_adddup2(&actions, output, 2)
    cprocess_spawn_closefrom(&actions, 3)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
    let envp: [UnsafeMutablePointer<CChar>?] = Self.environment.map { strdup($0) } + [nil]
    defer {
      for p in argv + envp { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    return rc == 0 ? .success(pid) : .failure(SpawnFailure(code: rc))
  }

  struct SpawnFailure: Error { let code: Int32 }

  /// Waits for `pid` until it exits or the timeout passes, keeping the first KiB of `output`;
  /// then kills its process group (before reaping it, so the group id cannot be reused).
  private func wait(_ pid: pid_t, output fd: Int32) -> Outcome {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    let deadline = Self.monotonic() + timeout.components.seconds * 1_000_000_000
    var kept: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    var open = true
    var timedOut = false
    // Once the output is closed, exit is looked for at growing intervals (1 ms to 50 ms).
    var tick: Int64 = 1
    while true {
      var info = siginfo_t()
      let exited =
        waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
        && info.si_signo == SIGCHLD
      while open {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n > 0 {
          kept += buffer[0..<min(n, max(0, Self.outputKept - kept.count))]
        } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
          open = false
        } else if errno == EAGAIN {
          break
        }
      }
      if exited { break }
      let left = deadline - Self.monotonic()
      if left <= 0 {
        timedOut = true
        break
      }
      var p = pollfd(fd: open ? fd : -1, events: Int16(POLLIN), revents: 0)
      let waitMS = open ? 50 : tick
      _ = poll(&p, 1, Int32(max(1, min(left / 1_000_000, waitMS))))
      if !open { tick = min(tick * 2, 50) }
    }
    kill(-pid, SIGKILL)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let text = Self.text(kept)
    if timedOut {
      return .failed(
        cause: "timed out after \(DurationText.format(timeout.components.seconds)); killed",
        output: text)
    }
    if status & 0x7f != 0 {
      return .failed(cause: "killed by signal \(status & 0x7f)", output: text)
    }
    let code = (status >> 8) & 0xff
    if code == 0 { return .delivered }
    return .failed(cause: "exited with status \(code)", output: text)
  }

  /// The program's output as stored: UTF-8 (anything else as U+FFFD), NUL as U+FFFD (a
  /// PostgreSQL text cannot hold it), surrounding blanks gone. Escaped when printed.
  static func text(_ bytes: [UInt8]) -> String {
    String(decoding: bytes, as: UTF8.self).replacingNUL().trimmingASCIIWhitespace()
  }

  static func monotonic() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
  }
}

extension String {
  /// NUL replaced by U+FFFD.
  fileprivate func replacingNUL() -> String {
    guard utf8.contains(0) else { return self }
    return String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }))
  }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A finished child with its own resource use, read by `wait4(2)` for that child alone (so
/// neither the test process nor its other children count).
public struct MeasuredRun: Sendable {
  public var status: Int32
  /// Peak resident set of the child, in KiB (`ru_maxrss`, getrusage(2)).
  public var maxRSSKiB: Int
  public var stdout: String
  public var stderr: String
}

/// Runs `executable` with `arguments` and exactly `environment` plus `PATH`, stdin from
/// /dev/null, output to files in `scratch`; returns its status and peak RSS.
///
/// The child is started by a small python3 that `fork`s it and reads its `ru_maxrss` with
/// `os.wait4`: a child spawned straight from this process (posix_spawn shares the parent's
/// memory until `execve`) starts its `ru_maxrss` at this process's own peak — Linux's exec
/// keeps the old memory's high-water mark (`setmax_mm_hiwater_rss` in fs/exec.c) — which in a
/// full test run is far above what the child itself uses. Forked from python, the mark it
/// starts from is python's few MiB, below any child measured here.
public func runMeasured(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  scratch: TempDir
) throws -> MeasuredRun {
  var env = environment
  if env["PATH"] == nil {
    env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  }
  let tag = UUID().uuidString
  let outPath = scratch.file("measured-out-\(tag)")
  let errPath = scratch.file("measured-err-\(tag)")
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  let rssPath = scratch.file("measured-rss-\(tag)")
  let python = "/usr/bin/python3"
  let script = """
    import os, sys
    pid = os.fork()
    if pid == 0:
        os.execve(sys.argv[2], sys.argv[2:], os.environ)
    _, status, usage = os.wait4(pid, 0)
    with open(sys.argv[1], "w") as f:
        f.write(str(usage.ru_maxrss))
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)
    """
  let argv =
    ([python, "-c", script, rssPath, executable] + arguments).map { strdup($0) } + [nil]
  let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for p in argv { free(p) }
    for p in envp { free(p) }
  }
  var pid: pid_t = 0
  let rc = posix_spawn(&pid, python, &actions, nil, argv, envp)
  guard rc == 0 else { throw TestSupportError("posix_spawn \(python): \(rc)") }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) == -1 {
    guard errno == EINTR else { throw TestSupportError("wait4: \(errno)") }
  }
  // WIFEXITED / WEXITSTATUS, else 128 + the signal, as a shell reports it.
  let exited = status & 0x7f == 0
  let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  guard let rss = (try? String(contentsOfFile: rssPath, encoding: .utf8)).flatMap({ Int($0) })
  else { throw TestSupportError("no peak RSS from the measuring python3 (status \(code))") }
  return MeasuredRun(
    status: code, maxRSSKiB: rss,
    stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
    stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

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
/// /dev/null, output to files in `scratch`; waits with `wait4` and returns its status and peak
/// RSS.
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
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for p in argv { free(p) }
    for p in envp { free(p) }
  }
  var pid: pid_t = 0
  let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
  guard rc == 0 else { throw TestSupportError("posix_spawn \(executable): \(rc)") }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) == -1 {
    guard errno == EINTR else { throw TestSupportError("wait4: \(errno)") }
  }
  // WIFEXITED / WEXITSTATUS, else 128 + the signal, as a shell reports it.
  let exited = status & 0x7f == 0
  let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  return MeasuredRun(
    status: code, maxRSSKiB: Int(usage.ru_maxrss),
    stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
    stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

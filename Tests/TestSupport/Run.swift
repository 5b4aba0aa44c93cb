import Foundation

/// What a finished child process left behind.
public struct RunResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
  public var stdoutData: Data

  /// Everything the process printed, for secret scans.
  public var allOutput: String { stdout + stderr }
}

/// Runs `executable` with `arguments`, feeding `stdin` (closed at once when nil), and waits.
///
/// The environment is exactly `environment` plus `PATH`, so no variable of the developer's
/// shell leaks into a test.
@discardableResult
public func run(
  _ executable: String, _ arguments: [String], environment: [String: String] = [:],
  stdin: String? = nil, directory: URL? = nil
) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  var env = environment
  if env["PATH"] == nil {
    env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  }
  process.environment = env
  if let directory { process.currentDirectoryURL = directory }
  let outPipe = Pipe()
  let errPipe = Pipe()
  let inPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  process.standardInput = inPipe
  try process.run()
  if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
  try inPipe.fileHandleForWriting.close()
  // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
  let group = DispatchGroup()
  nonisolated(unsafe) var errData = Data()
  group.enter()
  DispatchQueue.global().async {
    errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self),
    stdoutData: outData)
}

/// The Python interpreter the tests use for aiosmtpd, PyJWT and bcrypt:
/// `AUTHCTL_TEST_PYTHON`, else Debian's `/usr/bin/python3` (where `apt-get install python3-…`
/// puts its modules), else `python3` on `PATH`.
public let pythonPath: String = {
  if let p = ProcessInfo.processInfo.environment["AUTHCTL_TEST_PYTHON"] { return p }
  if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") { return "/usr/bin/python3" }
  return "/usr/bin/env"
}()

/// Runs a Python snippet with `arguments` in `sys.argv[1:]`.
@discardableResult
public func python(_ code: String, _ arguments: [String] = [], stdin: String? = nil) throws
  -> RunResult
{
  let args = (pythonPath == "/usr/bin/env" ? ["python3"] : []) + ["-c", code] + arguments
  return try run(pythonPath, args, stdin: stdin)
}

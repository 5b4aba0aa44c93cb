import Foundation

/// The built `authctl` binary: `AUTHCTL_BIN`, else the one beside the running test bundle
/// (`swift test` puts products and the test bundle in one folder).
public let authctlPath: String = {
  if let p = ProcessInfo.processInfo.environment["AUTHCTL_BIN"] { return p }
  let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  var dir = me.deletingLastPathComponent()
  // The bundle may be nested (name.xctest/...); walk up until the binary is found.
  for _ in 0..<4 {
    let candidate = dir.appendingPathComponent("authctl").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    dir = dir.deletingLastPathComponent()
  }
  fatalError("authctl binary not found near \(me.path); set AUTHCTL_BIN")
}()

/// Runs the built binary with a clean environment: only `environment`, `PATH`, and
/// `AUTHCTL_BCRYPT_COST=4` unless the test sets another.
@discardableResult
public func authctl(
  _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
  directory: URL? = nil
) throws -> RunResult {
  var env = environment
  if env["AUTHCTL_BCRYPT_COST"] == nil { env["AUTHCTL_BCRYPT_COST"] = "4" }
  return try run(authctlPath, arguments, environment: env, stdin: stdin, directory: directory)
}

import Foundation

/// What a test needs from the machine beyond the build: outside CI a test whose prerequisite
/// is missing is skipped with a message (`.enabled(if: Prerequisite.python(…) …)`); under
/// `CI=true` it runs and fails, naming what to install (`.ci/run` installs it all).
public enum Prerequisite {
  /// True under CI (`CI=true`), where nothing may be skipped.
  public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

  nonisolated(unsafe) private static var answers: [String: Bool] = [:]
  private static let lock = NSLock()

  /// True when `pythonPath` runs `code` (e.g. an import) with exit status 0; asked once.
  public static func python(_ code: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    if let known = answers[code] { return known }
    let ok = (try? TestSupport.python(code).status) == 0
    answers[code] = ok
    return ok
  }

  /// For `.enabled(if:)`: the test runs when `code` works, and always under CI (where it then
  /// fails on `require`).
  public static func pythonOrCI(_ code: String) -> Bool { isCI || python(code) }

  /// Inside the test: throws (a failure) when `code` does not work, with `install`'s advice.
  public static func require(python code: String, install: String) throws {
    guard python(code) else {
      throw TestSupportError("\(pythonPath) cannot run `\(code)`: \(install)")
    }
  }
}

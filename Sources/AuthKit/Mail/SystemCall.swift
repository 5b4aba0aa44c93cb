#if canImport(Glibc)
  import Glibc
#endif

/// An `errno` value with the call that set it.
struct SystemError: Error, Sendable {
  var operation: String
  var code: Int32

  /// `operation: strerror(code)`.
  var text: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// The one place a POSIX call's `-1` becomes an error: retries on `EINTR`, else throws the
/// `errno` with `operation` (after swift-nio's `syscall`, NIOPosix/System.swift).
@discardableResult
func systemCall<T: FixedWidthInteger>(
  _ operation: @autoclosure () -> String, _ body: () -> T
) throws(SystemError) -> T {
  while true {
    let result = body()
    if result != -1 { return result }
    let code = errno
    if code == EINTR { continue }
    throw SystemError(operation: operation(), code: code)
  }
}

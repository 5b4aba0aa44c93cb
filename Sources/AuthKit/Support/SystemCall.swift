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

/// Writes all of `bytes` to `fd`, however many `write(2)` calls it takes.
func writeAll(_ fd: Int32, _ bytes: [UInt8], _ operation: String) throws(SystemError) {
  var offset = 0
  while offset < bytes.count {
    offset += try systemCall(operation) {
      bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    }
  }
}

/// Reads `fd` to its end, or until more than `limit` bytes have come.
func readAll(_ fd: Int32, _ operation: String, limit: Int = .max) throws(SystemError) -> [UInt8] {
  var data: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while data.count <= limit {
    let n = try systemCall(operation) {
      buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    }
    if n == 0 { break }
    data += buffer[0..<n]
  }
  return data
}

import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// Buffered standard output: results only. Listing a million rows writes in 64 KiB blocks.
final class Output {
  private let fd: Int32
  private let capacity = 1 << 16
  private let buffer: UnsafeMutablePointer<UInt8>
  private var count = 0

  init(fd: Int32) {
    self.fd = fd
    buffer = .allocate(capacity: capacity)
  }

  deinit { buffer.deallocate() }

  func write(_ text: String) {
    var text = text
    text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }

  func write(_ byte: UInt8) {
    if count == capacity { flush() }
    buffer[count] = byte
    count += 1
  }

  func write(_ bytes: UnsafeRawBufferPointer) {
    if count + bytes.count > capacity { flush() }
    if bytes.count > capacity {
      writeAll(bytes)
      return
    }
    if let base = bytes.baseAddress { memcpy(buffer + count, base, bytes.count) }
    count += bytes.count
  }

  func write(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { write($0) }
  }

  /// One line of text; control characters in it (from a stored address, a server reply) are
  /// escaped (`TerminalText`), so nothing from outside reaches the terminal raw.
  func line(_ text: String = "") {
    write(TerminalText.escaped(text))
    write(10)
  }

  /// Writes what is buffered; on EPIPE (a reader that went away) exits quietly, as `cat` does.
  func flush() {
    writeAll(UnsafeRawBufferPointer(start: buffer, count: count))
    count = 0
  }

  private func writeAll(_ buf: UnsafeRawBufferPointer) {
    var off = 0
    while off < buf.count {
      let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
      if n < 0 && errno == EINTR { continue }
      if n < 0 && errno == EPIPE { exit(0) }
      if n <= 0 { break }
      off += n
    }
  }
}

/// JSON rows are written straight into the buffer (`JSONWriter`).
extension Output: ByteSink {}

extension DeliveryReport.Problem {
  /// What the message was, for a person: "mail to ADDRESS", "Telegram message to chat ID".
  var place: String {
    channel == .telegram ? "Telegram message to chat \(to)" : "mail to \(to)"
  }
}

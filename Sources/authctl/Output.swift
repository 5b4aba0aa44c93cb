#if canImport(Glibc)
  import Glibc
#endif

/// Buffered standard output: results only. Listing a million rows writes in 64 KiB blocks.
final class Output {
  nonisolated(unsafe) static let standard = Output(fd: 1)

  private let fd: Int32
  private var buffer: [UInt8] = []
  private let capacity = 1 << 16

  init(fd: Int32) {
    self.fd = fd
    buffer.reserveCapacity(capacity)
  }

  func write(_ text: String) {
    var text = text
    text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
  }

  func write(_ byte: UInt8) {
    buffer.append(byte)
    if buffer.count >= capacity { flush() }
  }

  func write(_ bytes: UnsafeRawBufferPointer) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= capacity { flush() }
  }

  func line(_ text: String = "") {
    write(text)
    write(10)
  }

  /// Writes what is buffered; on EPIPE (a reader that went away) exits quietly, as `cat` does.
  func flush() {
    buffer.withUnsafeBytes { buf in
      var off = 0
      while off < buf.count {
        let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
        if n < 0 && errno == EINTR { continue }
        if n < 0 && errno == EPIPE { exit(0) }
        if n <= 0 { break }
        off += n
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// Bytes read from a file descriptor in blocks into one fixed window, for readers that parse
/// records in place (`CSVReader`, the JSONL reader): memory stays the size of the window
/// however long the input is. A reader looks at `bytes[index..<end]`; when a record runs past
/// `end`, it calls `refill(keepingFrom:)`, which moves the unfinished tail to the front and
/// reads more. Over bytes already in memory (`init(_:)`) the whole input is the window.
public struct ByteSource {
  /// The window; valid bytes are `bytes[0..<end]`.
  var bytes: [UInt8]
  /// One past the last valid byte of the window.
  var end: Int
  /// True once the input has no more bytes to give.
  var atEnd: Bool
  /// Bytes dropped from the front of the window so far: `discarded + index` is the offset
  /// into the input.
  var discarded = 0
  let fd: Int32
  /// The size of the input when it is a regular file (for a progress estimate), else nil.
  public let totalBytes: Int?

  /// The default window: 1 MiB.
  public static let windowSize = 1 << 20

  /// The input of `fd`, read `windowSize` bytes at most at a time. The descriptor stays the
  /// caller's to close.
  public init(fd: Int32, windowSize: Int = windowSize) {
    self.fd = fd
    bytes = [UInt8](repeating: 0, count: windowSize)
    end = 0
    atEnd = false
    var st = stat()
    totalBytes = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
  }

  /// Bytes already in memory: the whole input at once.
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
    end = bytes.count
    atEnd = true
    fd = -1
    totalBytes = bytes.count
  }

  /// Keeps `bytes[from..<end]`, moved to the front of the window, and reads more after it.
  /// Returns how far indexes moved down (subtract it from any index kept); at the end of the
  /// input nothing is read and `atEnd` becomes true.
  mutating func refill(keepingFrom from: Int) throws(SystemError) -> Int {
    guard !atEnd else { return 0 }
    let kept = end - from
    if from > 0 {
      bytes.withUnsafeMutableBufferPointer { b in
        if kept > 0 { _ = memmove(b.baseAddress!, b.baseAddress! + from, kept) }
      }
      discarded += from
      end = kept
    }
    if end == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
    let capacity = bytes.count - end
    let n = try systemCall("read") {
      bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, capacity) }
    }
    if n == 0 { atEnd = true } else { end += n }
    return from
  }
}

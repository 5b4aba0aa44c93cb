#if canImport(Glibc)
  import Glibc
#endif

/// Lines from a file descriptor (stdin), read in blocks with a cap on each line.
///
/// A terminal in canonical mode hands over at most one line per `read(2)`, so nothing typed
/// ahead for a later question is taken early. On a pipe a block may hold several lines: what
/// follows the line returned stays in this reader for the next question of the same run (a
/// token, then a password), and is not seen by another program reading the pipe afterwards.
/// On a regular file (`< file`) the file offset is moved back to just after the line, as the
/// shell's `read` does, so the next program starts where this one stopped.
public final class LineReader {
  public enum Failure: Error, Equatable {
    /// More than `limit` bytes came before a line end.
    case tooLong(limit: Int)
    case system(operation: String, code: Int32)
  }

  /// The block size of each `read(2)`.
  public static let blockSize = 4096

  private let readBlock: (UnsafeMutableRawBufferPointer) -> Int
  private let giveBack: (Int) -> Bool
  private var buffered: [UInt8] = []
  private var ended = false

  /// A reader over `fd`.
  public convenience init(fd: Int32) {
    var st = stat()
    let regular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    self.init(
      read: { buf in Glibc.read(fd, buf.baseAddress, buf.count) },
      giveBack: { n in regular && lseek(fd, off_t(-n), SEEK_CUR) != -1 })
  }

  /// A reader over `read` (one `read(2)`: bytes read, 0 at the end, -1 with `errno`) and
  /// `giveBack` (moves the source back by that many bytes, or says it cannot): for tests.
  public init(
    read: @escaping (UnsafeMutableRawBufferPointer) -> Int, giveBack: @escaping (Int) -> Bool
  ) {
    readBlock = read
    self.giveBack = giveBack
  }

  /// The next line without its LF (nor a CR before it); nil at the end of input when no byte
  /// came. Past `limit` bytes without a line end: `tooLong`, having read at most one block
  /// more than `limit`.
  public func readLine(limit: Int) throws(Failure) -> [UInt8]? {
    var scanned = 0
    while true {
      if let lf = buffered[scanned...].firstIndex(of: 0x0A) {
        guard lf <= limit else { throw .tooLong(limit: limit) }
        var line = Array(buffered[..<lf])
        buffered.removeFirst(lf + 1)
        if !buffered.isEmpty && giveBack(buffered.count) {
          buffered.removeAll()
          ended = false
        }
        if line.last == 0x0D { line.removeLast() }
        return line
      }
      scanned = buffered.count
      guard scanned <= limit else { throw .tooLong(limit: limit) }
      if ended {
        if buffered.isEmpty { return nil }
        defer { buffered.removeAll() }
        return buffered.last == 0x0D ? Array(buffered.dropLast()) : buffered
      }
      var block = [UInt8](repeating: 0, count: Self.blockSize)
      let n = block.withUnsafeMutableBytes { readBlock($0) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .system(operation: "read stdin", code: errno)
      }
      if n == 0 { ended = true } else { buffered += block[..<n] }
    }
  }
}

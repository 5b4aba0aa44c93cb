#if canImport(Glibc)
  import Glibc
#endif

/// A file of breached passwords' SHA-1 hashes in the format of Have I Been Pwned's
/// downloadable "ordered by hash" list: one upper-case hex SHA-1 per line, sorted, with an
/// optional `:count` (`…:3861493`), CRLF or LF line ends (`AUTHCTL_BREACHED_FILE`).
///
/// The file is memory-mapped read-only (mmap(2), `MADV_RANDOM`: no read-ahead) and never read
/// whole: a lookup searches byte offsets, each probe finding the line around it —
/// interpolating first, since hashes are spread evenly, then bisecting — so a 30 GB file costs
/// a few page reads the first time and none once cached.
/// Hex digits compare without case; a line whose count is 0 does not count.
public final class BreachCorpus {
  public let path: String
  private let fd: Int32
  private let base: UnsafePointer<UInt8>?
  public let size: Int

  /// Opens and maps `path`. It must be a regular file others cannot write (a corpus emptied by
  /// someone else would let every password through), whose first line is a SHA-1 in hex.
  public init(path: String) throws(BreachError) {
    self.path = path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw .file("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    guard let owner = FileOwner(fd: fd) else {
      close(fd)
      throw .file("cannot stat \(path)")
    }
    if let why = owner.untrustedReason("the breach corpus", path) {
      close(fd)
      throw .file(why)
    }
    var st = stat()
    fstat(fd, &st)
    self.fd = fd
    size = Int(st.st_size)
    guard size > 0 else {
      base = nil
      return
    }
    let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
    guard let mapped, mapped != MAP_FAILED else {
      close(fd)
      throw .file("cannot map \(path): \(String(cString: strerror(errno)))")
    }
    madvise(mapped, size, MADV_RANDOM)
    base = UnsafePointer(mapped.assumingMemoryBound(to: UInt8.self))
    guard Self.isHashLine(line(at: 0)) else {
      throw .file(
        "\(path) does not start with a SHA-1 in hex (HIBP's \"ordered by hash\" SHA-1 list: HASH:count per line)"
      )
    }
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) }
    close(fd)
  }

  /// Whether the password with this SHA-1 is in the corpus.
  ///
  /// SHA-1 hashes are spread evenly, so the search first interpolates: it probes where the
  /// hash's first 64 bits put it between the bounds' (some 4 probes narrow 100 million lines
  /// to one page, against some 20 for bisection), at most `interpolationSteps` times, then
  /// bisects what is left. Every probe narrows the bounds, so a file that is not evenly spread
  /// only costs bisection's steps more.
  public func contains(sha1 digest: [UInt8]) -> Bool {
    precondition(digest.count == 20)
    let key = Array(Hex.encode(digest).uppercased().utf8)
    guard let base else { return false }
    let target = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    // `lo` is always the start of a line; the line sought, if present, starts in lo..<hi,
    // and every line there has a 64-bit prefix within loKey...hiKey.
    var lo = 0
    var hi = size
    var loKey = UInt64.min
    var hiKey = UInt64.max
    var steps = 0
    while lo < hi {
      let probe: Int
      if steps < Self.interpolationSteps, hi - lo > 4096, hiKey > loKey, target >= loKey,
        target <= hiKey
      {
        steps += 1
        let fraction = Double(target - loKey) / Double(hiKey - loKey)
        probe = min(hi - 1, lo + Int(fraction * Double(hi - lo - 1)))
      } else {
        probe = lo + (hi - lo) / 2
      }
      var start = probe
      while start > lo && base[start - 1] != 10 { start -= 1 }
      var end = probe
      while end < size && base[end] != 10 { end += 1 }
      let order = compare(key, start, end)
      if order == 0 { return count(start + 40, end) != 0 }
      let lineKey = prefix(start, end)
      if order < 0 {
        hi = start
        if let lineKey { hiKey = lineKey }
      } else {
        lo = end + 1
        if let lineKey { loKey = lineKey }
      }
    }
    return false
  }

  /// How many probes interpolate before the search bisects.
  static let interpolationSteps = 8

  /// The first 64 bits of the line `start..<end`'s hash, or nil when it has no 16 hex digits.
  private func prefix(_ start: Int, _ end: Int) -> UInt64? {
    guard let base, end - start >= 16 else { return nil }
    var v: UInt64 = 0
    for i in 0..<16 {
      guard let d = Hex.value(base[start + i]) else { return nil }
      v = v << 4 | UInt64(d)
    }
    return v
  }

  /// The first 40 characters of the line `start..<end` against `key`, upper-cased: <0, 0, >0.
  private func compare(_ key: [UInt8], _ start: Int, _ end: Int) -> Int {
    guard let base else { return 1 }
    for i in 0..<40 {
      guard start + i < end else { return 1 }
      var c = base[start + i]
      if c >= 97 && c <= 102 { c -= 32 }
      if key[i] != c { return key[i] < c ? -1 : 1 }
    }
    return 0
  }

  /// The count after the hash (`:N`), or -1 when there is none.
  private func count(_ from: Int, _ end: Int) -> Int {
    guard let base, from < end, base[from] == UInt8(ascii: ":") else { return -1 }
    var n = 0
    var i = from + 1
    var digits = 0
    while i < end, base[i] >= 48, base[i] <= 57 {
      n = n &* 10 &+ Int(base[i] - 48)
      i += 1
      digits += 1
    }
    return digits == 0 ? -1 : n
  }

  /// The bytes of the line starting at `offset` (without its line end).
  private func line(at offset: Int) -> ArraySlice<UInt8> {
    guard let base else { return [] }
    var end = offset
    while end < size && base[end] != 10 && end - offset < 128 { end += 1 }
    var bytes = Array(UnsafeBufferPointer(start: base + offset, count: end - offset))[...]
    if bytes.last == 13 { bytes = bytes.dropLast() }
    return bytes
  }

  /// 40 hex digits, then nothing or `:`.
  static func isHashLine(_ line: ArraySlice<UInt8>) -> Bool {
    line.count >= 40 && line.prefix(40).allSatisfy({ Hex.value($0) != nil })
      && (line.count == 40 || line[line.startIndex + 40] == UInt8(ascii: ":"))
  }
}

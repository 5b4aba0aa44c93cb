import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// Writes a whole file so that a reader sees the old content or the new, never part of it
/// (DESIGN.md: a new file in the same folder, synced, then `rename`d over the old one).
enum AtomicFile {
  /// Writes `bytes` to `path` with `mode` (applied with `fchmod`, whatever the umask).
  static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FlowError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let suffix: String
    do { suffix = Hex.encode(try Random.bytes(6)) } catch {
      throw .internalError("no random bytes for a file name")
    }
    let temp = folder + "." + name + ".authctl-" + suffix
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw .cannotCreate("cannot create \(temp): \(String(cString: strerror(errno)))")
    }
    var ok = false
    defer {
      close(fd)
      if !ok { unlink(temp) }
    }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw .io("cannot write \(temp): \(String(cString: strerror(errno)))") }
      done += n
    }
    guard fchmod(fd, mode) == 0, fsync(fd) == 0 else {
      throw .io("cannot finish \(temp): \(String(cString: strerror(errno)))")
    }
    guard rename(temp, path) == 0 else {
      throw .cannotCreate("cannot replace \(path): \(String(cString: strerror(errno)))")
    }
    ok = true
  }
}

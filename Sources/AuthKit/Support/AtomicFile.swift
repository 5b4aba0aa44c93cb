#if canImport(Glibc)
  import Glibc
#endif

/// Writes a whole file so that a reader sees the old content or the new, never part of it
/// (DESIGN.md: a new file in the same folder — made by `PrivateFile` — synced, then `rename`d
/// over the old one).
public enum AtomicFile {
  /// Writes `bytes` to `path` with `mode` (set with `fchmod`, whatever the umask). A missing
  /// folder or a refused create is `FlowError.cannotCreate` (73); a failed write `.io` (74).
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FlowError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let suffix: String
    do { suffix = Hex.encode(try Random.bytes(6)) } catch {
      throw .internalError("no random bytes for a file name")
    }
    let temp = folder + "." + name + ".authctl-" + suffix
    let fd: Int32
    do { fd = try PrivateFile.open(temp, openExisting: false).fd } catch {
      throw .cannotCreate("cannot create \(path): \(error.systemError(temp).text)")
    }
    var placed = false
    defer {
      close(fd)
      if !placed { unlink(temp) }
    }
    do {
      try writeAll(fd, bytes, "write \(temp)")
      try systemCall("chmod \(temp)") { fchmod(fd, mode) }
      try systemCall("fsync \(temp)") { fsync(fd) }
    } catch {
      throw .io("cannot write \(path): \(error.text)")
    }
    guard rename(temp, path) == 0 else {
      throw .cannotCreate("cannot replace \(path): \(String(cString: strerror(errno)))")
    }
    placed = true
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// A file replaced all at once (DESIGN.md, "Secrets"): the new content goes into a temporary
/// file in the same folder (`O_EXCL | O_NOFOLLOW`, the given mode whatever the umask), is
/// flushed with `fsync`, and is renamed over the path (rename(2) replaces atomically), so a
/// reader — a web server reading an htpasswd file at each request — sees the old file or the
/// new one, never half of one. An existing file keeps its owner and group when the caller may
/// give them (root, or a member of the group), so `chgrp www-data` done once lasts. Closed and
/// removed in `deinit` unless committed.
public final class AtomicFile {
  public let path: String
  let temp: String
  let fd: Int32
  private var committed = false
  /// True when an existing file's group could not be kept (the new file has the caller's).
  public private(set) var groupChanged = false

  /// Starts the replacement of `path` with a file of `mode`.
  public init(path: String, mode: mode_t) throws(FlowError) {
    self.path = path
    let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let suffix = (try? Random.bytes(6)).map { Hex.encode($0) } ?? "\(time(nil))"
    temp =
      "\(folder.isEmpty ? "" : folder)/.\(path.split(separator: "/").last ?? "file").\(getpid()).\(suffix)"
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw .cannotCreate(
        "cannot write \(path): " + SystemError(operation: "create \(temp)", code: errno).text)
    }
    self.fd = fd
    if let old = FileOwner(path: path), old.isRegular, old.uid != geteuid() || old.gid != getegid()
    {
      // Root gives both; a member of the file's group can give the group.
      if fchown(fd, old.uid, old.gid) != 0 && fchown(fd, uid_t.max, old.gid) != 0 {
        groupChanged = old.gid != getegid()
      }
    }
    guard fchmod(fd, mode) == 0 else {
      let e = errno
      close(fd)
      unlink(temp)
      throw .cannotCreate(
        "cannot write \(path): " + SystemError(operation: "chmod \(temp)", code: e).text)
    }
  }

  deinit {
    if !committed {
      close(fd)
      unlink(temp)
    }
  }

  /// Appends `bytes` to the new content.
  public func write(_ bytes: [UInt8]) throws(FlowError) {
    do throws(SystemError) {
      try writeAll(fd, bytes, "write \(temp)")
    } catch {
      throw .io("cannot write \(path): \(error.text)")
    }
  }

  /// Flushes the new content and renames it over `path`.
  public func commit() throws(FlowError) {
    committed = true
    let synced = fsync(fd) == 0 ? 0 : errno
    close(fd)
    if synced != 0 {
      unlink(temp)
      throw .io(
        "cannot write \(path): " + SystemError(operation: "fsync \(temp)", code: synced).text)
    }
    if rename(temp, path) != 0 {
      let e = errno
      unlink(temp)
      throw .cannotCreate(
        "cannot write \(path): " + SystemError(operation: "rename \(temp) to \(path)", code: e).text
      )
    }
  }

  /// Writes `bytes` to `path` with `mode` at once: a missing folder or a refused create is
  /// `FlowError.cannotCreate` (73), a failed write `.io` (74).
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(FlowError) {
    let file = try AtomicFile(path: path, mode: mode)
    try file.write(bytes)
    try file.commit()
  }
}

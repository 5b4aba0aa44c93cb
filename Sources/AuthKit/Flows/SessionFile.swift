#if canImport(Glibc)
  import Glibc
#endif

/// The local file holding the current session's token (issue 5): `--session-file`,
/// `AUTHCTL_SESSION_FILE`, else `$XDG_STATE_HOME/authctl/session`, else
/// `~/.local/state/authctl/session`. Written atomically (temporary file + `rename`), mode
/// 0600 in a 0700 folder; one readable by group or others is refused, as ssh refuses such keys.
public struct SessionFile: Sendable {
  public let path: String

  public init(path: String) { self.path = path }

  /// The path from the settings and the environment.
  public init(settings: Settings, environment: [String: String]) {
    if let p = settings.sessionFile {
      path = p
    } else if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
      path = state + "/authctl/session"
    } else {
      let home =
        environment["HOME"] ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_dir) }
        ?? "/"
      path = home + "/.local/state/authctl/session"
    }
  }

  var directory: String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Creates the missing folders of `dir`, each 0700.
  static func makeDirectories(_ dir: String) throws(FlowError) {
    var st = stat()
    if stat(dir, &st) == 0 { return }
    if let slash = dir.lastIndex(of: "/"), slash != dir.startIndex {
      try makeDirectories(String(dir[..<slash]))
    }
    if mkdir(dir, 0o700) != 0 && errno != EEXIST {
      throw .cannotCreate(
        "cannot create the folder of the session file: "
          + SystemError(operation: "mkdir \(dir)", code: errno).text)
    }
    if chmod(dir, 0o700) != 0 {
      throw .cannotCreate(
        "cannot create the folder of the session file: "
          + SystemError(operation: "chmod 700 \(dir)", code: errno).text)
    }
  }

  /// Replaces the file with `token`, atomically.
  public func write(_ token: String) throws(FlowError) {
    try Self.makeDirectories(directory)
    let suffix = (try? Random.bytes(6)).map { Hex.encode($0) } ?? "0"
    let temp = "\(directory)/.session.\(getpid()).\(suffix)"
    do throws(SystemError) {
      let fd: Int32
      do {
        fd = try PrivateFile.open(temp, openExisting: false).fd
      } catch {
        throw error.systemError(temp)
      }
      defer { close(fd) }
      try writeAll(fd, Array((token + "\n").utf8), "write \(temp)")
      try systemCall("fsync \(temp)") { fsync(fd) }
      try systemCall("rename \(temp) to \(path)") { rename(temp, path) }
    } catch {
      unlink(temp)
      throw .cannotCreate("cannot write the session file: \(error.text)")
    }
  }

  /// The token in the file, or nil when there is none. A file readable or writable by group or
  /// others, or owned by another user, is refused (77).
  public func read() throws(FlowError) -> String? {
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return nil }
      if errno == ELOOP { throw .refused("the session file \(path) is a symbolic link; refused") }
      throw .io(
        "cannot read the session file: " + SystemError(operation: "open \(path)", code: errno).text)
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      throw .refused("the session file \(path) is not a regular file; refused")
    }
    if st.st_mode & 0o077 != 0 {
      throw .refused(
        "the session file \(path) is accessible by others (mode \(String(st.st_mode & 0o777, radix: 8))); "
          + "refused — log in again, or chmod 600 it")
    }
    if st.st_uid != geteuid() {
      throw .refused("the session file \(path) belongs to another user; refused")
    }
    let data: [UInt8]
    do {
      data = try readAll(fd, "read \(path)", limit: 16_384)
    } catch {
      throw .io("cannot read the session file: \(error.text)")
    }
    let token = String(decoding: data, as: UTF8.self).trimmingASCIIWhitespace()
    return token.isEmpty ? nil : token
  }

  /// Removes the file; a missing one is fine.
  public func remove() throws(FlowError) {
    if unlink(path) != 0 && errno != ENOENT {
      throw .io(
        "cannot remove the session file: "
          + SystemError(operation: "unlink \(path)", code: errno).text)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif

/// The one way authctl creates a file (DESIGN.md, "Secrets"): `O_CREAT | O_EXCL | O_NOFOLLOW`,
/// then `fchmod` to 0600, since the umask may have narrowed the mode `open(2)` was given — so
/// a new file is 0600 whatever the umask, and never made through a symbolic link. The
/// database, the mailbox and the session file's temporary copy are created here.
struct PrivateFile {
  /// The open descriptor; the caller closes it.
  let fd: Int32
  /// True when this call created the file (it is then 0600); false when it existed.
  let created: Bool

  /// What failed, with `errno`.
  enum Failure: Error {
    /// Creating the file (other than because it exists).
    case create(Int32)
    /// Opening the existing file (a symbolic link gives `ELOOP`).
    case open(Int32)
    /// Setting 0600 on the new file.
    case chmod(Int32)

    var code: Int32 {
      switch self {
      case .create(let code), .open(let code), .chmod(let code): return code
      }
    }

    /// `create PATH: …`, `open PATH: …` or `chmod PATH: …`.
    func systemError(_ path: String) -> SystemError {
      switch self {
      case .create: return SystemError(operation: "create \(path)", code: code)
      case .open: return SystemError(operation: "open \(path)", code: code)
      case .chmod: return SystemError(operation: "chmod \(path)", code: code)
      }
    }
  }

  /// Opens `path` for writing (`O_WRONLY` and `flags`, such as `O_APPEND`), creating it 0600.
  /// An existing file is opened as it is (never through a symbolic link) when `openExisting`,
  /// else refused as `.create(EEXIST)`.
  static func open(_ path: String, flags: Int32 = 0, openExisting: Bool) throws(Failure)
    -> PrivateFile
  {
    let base = O_WRONLY | O_NOFOLLOW | O_CLOEXEC | flags
    var fd: Int32
    repeat { fd = Glibc.open(path, base | O_CREAT | O_EXCL, 0o600) } while fd < 0 && errno == EINTR
    guard fd >= 0 else {
      guard errno == EEXIST, openExisting else { throw .create(errno) }
      repeat { fd = Glibc.open(path, base) } while fd < 0 && errno == EINTR
      guard fd >= 0 else { throw .open(errno) }
      return PrivateFile(fd: fd, created: false)
    }
    var st = stat()
    if fstat(fd, &st) != 0 || st.st_mode & 0o777 != 0o600 {
      if fchmod(fd, 0o600) != 0 {
        let code = errno
        close(fd)
        throw .chmod(code)
      }
    }
    return PrivateFile(fd: fd, created: true)
  }
}

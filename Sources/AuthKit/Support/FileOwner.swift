#if canImport(Glibc)
  import Glibc
#endif

/// The owner, group and mode of a file, and the rules authctl keeps before it trusts one
/// (DESIGN.md, "Secrets"): a file others can write is never used, and a file another non-root
/// user created is never initialised — as ssh's StrictModes and git's `safe.directory` refuse
/// files another user controls.
public struct FileOwner: Sendable, Equatable {
  public var uid: uid_t
  public var gid: gid_t
  /// The permission bits (`st_mode & 0o7777`).
  public var mode: mode_t
  /// The file's identity, to see whether a path was swapped between two looks.
  public var device: UInt64
  public var inode: UInt64
  /// True for a regular file.
  public var isRegular: Bool
  /// True for a folder.
  public var isDirectory: Bool

  public init(_ st: stat) {
    uid = st.st_uid
    gid = st.st_gid
    mode = st.st_mode & 0o7777
    device = UInt64(st.st_dev)
    inode = UInt64(st.st_ino)
    isRegular = st.st_mode & S_IFMT == S_IFREG
    isDirectory = st.st_mode & S_IFMT == S_IFDIR
  }

  /// The file at `path` itself (a symbolic link is not followed), or nil when there is none.
  public init?(path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    self.init(st)
  }

  /// The open file `fd`, or nil when `fstat` fails.
  public init?(fd: Int32) {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    self.init(st)
  }

  /// Others (not owner, not group) may write it: never used (`chmod o-w`).
  public var othersCanWrite: Bool { mode & 0o002 != 0 }

  /// Group or others may write it: an env file like this is not read.
  public var groupOrOthersCanWrite: Bool { mode & 0o022 != 0 }

  /// Group or others may read it.
  public var groupOrOthersCanRead: Bool { mode & 0o044 != 0 }

  /// Owned by the caller (effective user) or by root.
  public var ownedByCallerOrRoot: Bool { uid == geteuid() || uid == 0 }

  /// True when this file, found beside the database `db` (its `-wal`, its mailbox), may be
  /// used: it belongs to the caller, root or the database's owner, or, for a group-shared
  /// database (group-writable), to the database's group — its members may write the database
  /// itself anyway.
  public func trusted(beside db: FileOwner) -> Bool {
    ownedByCallerOrRoot || uid == db.uid || (gid == db.gid && db.mode & 0o020 != 0)
  }

  /// `0640` and the like.
  public var modeText: String {
    let octal = String(mode & 0o777, radix: 8)
    return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
  }

  /// `nobody (uid 65534)`, or `uid 1234` for a user the system does not name.
  public static func userName(_ uid: uid_t) -> String {
    guard let pw = getpwuid(uid) else { return "uid \(uid)" }
    return "\(String(cString: pw.pointee.pw_name)) (uid \(uid))"
  }

  /// Why a file others can write is refused, for an error message; nil when it is not so.
  /// `what` names the file ("the database", "the mailbox").
  public func untrustedReason(_ what: String, _ path: String) -> String? {
    if !isRegular { return "\(what) \(path) is not a regular file; refused" }
    if othersCanWrite {
      return
        "\(what) \(path) is writable by others (mode \(modeText)); refused — chmod o-w it if it is yours"
    }
    return nil
  }
}

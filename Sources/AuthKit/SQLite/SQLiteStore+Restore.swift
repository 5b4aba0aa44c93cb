import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// What `SQLiteStore.restore` did.
public struct StoreRestore: Sendable, Equatable {
  /// The database that now holds the backup's data.
  public var path: String
  /// Where the database it replaced was kept (`PATH.bak`), nil when there was none.
  public var previous: String?
  /// The restored schema's version, and the latest this binary knows (behind: migrate).
  public var schemaVersion: Int
  public var latestSchemaVersion: Int
}

/// `authctl restore` (issue 17): a backup put in place of a database no process is using.
extension SQLiteStore {
  /// Puts the backup at `backup` in place of the database at `path`:
  ///
  /// 1. the backup is opened read-only and must pass `PRAGMA integrity_check` and hold an
  ///    authctl schema no newer than this binary's (one beside its own `-wal` is refused: its
  ///    last changes would be lost);
  /// 2. the database must not be in use (`inUse`), else `StoreErrorKind.busy`, exit 75;
  /// 3. the backup is copied beside it (same owner, group and mode as the database, never
  ///    others' bits) and synced; the database is kept as `PATH.bak` (with its `-wal` as
  ///    `PATH.bak-wal` when it has one, so the kept copy is whole), by a hard link, so `PATH`
  ///    never goes missing; the copy is renamed over `PATH`.
  public static func restore(
    from backup: String, into path: String, migrations: [Migration] = Schema.migrations
  ) throws -> StoreRestore {
    guard let source = FileOwner(path: backup), source.isRegular else {
      throw StoreError.system(operation: "cannot read the backup", path: backup, errno: ENOENT)
    }
    let old = FileOwner(path: path)
    if let old, old.device == source.device, old.inode == source.inode {
      throw StoreError.conflict("\(backup) is the database itself")
    }
    if fileSize(backup + "-wal") ?? 0 > 0 {
      throw StoreError.conflict(
        "the backup \(backup) has a write-ahead log beside it (\(backup)-wal): open it once "
          + "(sqlite3 \(backup) 'PRAGMA wal_checkpoint(TRUNCATE)') so the file is whole, then restore"
      )
    }
    let version: Int
    do {
      let check = try Connection(readOnly: backup)
      let result = try check.all("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "; ")
      guard result == "ok" else {
        throw StoreError.engine(
          kind: .corrupt, message: "the backup \(backup) fails its integrity check: \(result)")
      }
      version = try Migrator(migrations).currentVersion(check)
    }
    guard version > 0 else {
      throw StoreError.engine(
        kind: .corrupt, message: "\(backup) holds no authctl database (no schema_migrations)")
    }
    guard version <= migrations.count else {
      throw StoreError.schemaNewer(current: version, latest: migrations.count)
    }
    if old != nil, let holder = inUse(path) {
      throw StoreError.engine(
        kind: .busy,
        message:
          "the database \(path) is in use (\(holder)); stop what uses it, then run restore again"
      )
    }
    let temp = try temporaryPath(beside: path)
    var placed = false
    defer { if !placed { unlink(temp) } }
    try copyFile(backup, to: temp, like: old)
    var previous: String?
    if old != nil {
      let bak = path + ".bak"
      try keep(path, as: bak)
      // The kept copy's log: its own, or none (a stale one would be replayed into it).
      for suffix in ["-wal", "-shm", "-journal"] { unlink(bak + suffix) }
      if fileSize(path + "-wal") ?? 0 > 0 { try keep(path + "-wal", as: bak + "-wal") }
      for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
      previous = bak
    }
    guard rename(temp, path) == 0 else {
      throw StoreError.system(
        operation: "cannot rename the restored copy to", path: path, errno: errno)
    }
    placed = true
    syncFolder(of: path)
    return StoreRestore(
      path: path, previous: previous, schemaVersion: version, latestSchemaVersion: migrations.count)
  }

  /// Who holds one of SQLite's locks on the database at `path`, or nil. Asked of the kernel
  /// with `fcntl(F_GETLK)`, which takes no lock: every connection holds a SHARED lock on the
  /// database file's lock bytes while it is open in WAL mode, or while it reads in rollback
  /// mode (bytes `PENDING_BYTE` 0x40000000 … +512, https://sqlite.org/lockingv3.html,
  /// os_unix.c), and a read lock on the DMS byte (128) of the `-shm` file for as long as it
  /// is open (https://sqlite.org/walformat.html, §2.3.1). A rollback-mode connection that is
  /// open but idle holds nothing and cannot be seen (authctl's databases are WAL).
  public static func inUse(_ path: String) -> String? {
    func holder(_ file: String, _ start: Int, _ length: Int) -> pid_t? {
      let fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var lock = flock()
      lock.l_type = Int16(F_WRLCK)
      lock.l_whence = Int16(SEEK_SET)
      lock.l_start = off_t(start)
      lock.l_len = off_t(length)
      guard fcntl(fd, F_GETLK, &lock) == 0, lock.l_type != Int16(F_UNLCK) else { return nil }
      return lock.l_pid
    }
    if let pid = holder(path, 0x4000_0000, 512) { return "process \(pid) has it open" }
    if let pid = holder(path + "-shm", 128, 1) { return "process \(pid) has its -shm open" }
    return nil
  }

  /// The size of the file at `path` (a link not followed), nil when there is none.
  static func fileSize(_ path: String) -> Int64? {
    var st = stat()
    return lstat(path, &st) == 0 ? Int64(st.st_size) : nil
  }

  /// Copies `source` to a new file `target` (`O_EXCL|O_NOFOLLOW`, 0600), then gives it the
  /// owner, group and mode of `like` (never others' bits) when there is one, and syncs it.
  static func copyFile(_ source: String, to target: String, like: FileOwner?) throws(StoreError) {
    let input = open(source, O_RDONLY | O_CLOEXEC)
    guard input >= 0 else {
      throw .system(operation: "cannot read the backup", path: source, errno: errno)
    }
    defer { close(input) }
    let output: Int32
    do { output = try PrivateFile.open(target, openExisting: false).fd } catch {
      throw .system(operation: "cannot create", path: target, errno: error.code)
    }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else {
        throw .system(operation: "cannot read the backup", path: source, errno: errno)
      }
      if n == 0 { break }
      var done = 0
      while done < n {
        let w = buffer.withUnsafeBytes { Glibc.write(output, $0.baseAddress! + done, n - done) }
        if w < 0 && errno == EINTR { continue }
        guard w > 0 else { throw .system(operation: "cannot write", path: target, errno: errno) }
        done += w
      }
    }
    if let like {
      // As root, the restored file goes back to the database's owner (a service account).
      if geteuid() == 0 { _ = fchown(output, like.uid, like.gid) }
      _ = fchmod(output, mode_t(like.mode & 0o660))
    }
    guard fsync(output) == 0 else {
      throw .system(operation: "cannot sync", path: target, errno: errno)
    }
  }

  /// `path` also at `kept` (a hard link, through a temporary name so an older `kept` is
  /// replaced atomically): `path` itself stays.
  static func keep(_ path: String, as kept: String) throws(StoreError) {
    let temp: String
    do { temp = try temporaryPath(beside: kept) } catch {
      throw .system(operation: "cannot name a file beside", path: kept, errno: EIO)
    }
    guard link(path, temp) == 0 else {
      throw .system(operation: "cannot keep a copy of", path: path, errno: errno)
    }
    guard rename(temp, kept) == 0 else {
      let code = errno
      unlink(temp)
      throw .system(operation: "cannot keep a copy as", path: kept, errno: code)
    }
  }
}

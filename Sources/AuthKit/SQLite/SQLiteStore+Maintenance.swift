import CSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// Operations on the whole SQLite store (issue 17): timed batches, erasure, backup, size.
extension SQLiteStore {
  public func timedWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
    value: T, held: Duration
  ) {
    try connection.timedWrite { try body(SQLiteTransaction(connection)) }
  }

  /// `PRAGMA secure_delete = ON` for the transaction (https://sqlite.org/pragma.html#pragma_secure_delete:
  /// deleted content overwritten with zeros), then `PRAGMA wal_checkpoint(TRUNCATE)`: the
  /// pages go into the database and the WAL, which held their older images, is emptied. The
  /// checkpoint cannot finish while another connection still reads an older snapshot;
  /// `complete` is then false and the next checkpoint finishes the work.
  public func eraseWrite<T>(_ body: (any StoreTransaction) throws -> T) throws -> (
    value: T, complete: Bool
  ) {
    let before = try connection.first("PRAGMA secure_delete") { $0.int(0) } ?? 0
    try connection.execute("PRAGMA secure_delete = ON")
    defer { try? connection.execute("PRAGMA secure_delete = \(before)") }
    let value = try write(body)
    let busy = try connection.first("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) } ?? 1
    return (value, busy == 0)
  }

  /// The database file and its `-wal`, by their sizes on disk (stat(2)).
  public func storageSize() throws -> StoreSize {
    func size(_ path: String) -> Int64 {
      var st = stat()
      return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }
    return StoreSize(database: size(connection.path), wal: size(connection.path + "-wal"))
  }

  /// SQLite's online backup API (https://sqlite.org/backup.html) in one step: one read
  /// transaction on this database, so the copy is one consistent snapshot while other
  /// processes go on writing (WAL). The copy is made in a new file beside `path` (0600,
  /// `O_EXCL|O_NOFOLLOW`), switched to `journal_mode=DELETE` so it stands alone without a
  /// `-wal`, checked with `PRAGMA integrity_check`, synced, and renamed to `path` — a file
  /// already there is replaced atomically; the database itself is refused.
  public func backup(to path: String) throws -> StoreBackup {
    if let target = FileOwner(path: path), let db = FileOwner(path: connection.path),
      target.device == db.device, target.inode == db.inode
    {
      throw StoreError.conflict("\(path) is the database itself; give the backup another path")
    }
    let temp = try Self.temporaryPath(beside: path)
    var keep = false
    defer { if !keep { Self.removeDatabaseFiles(temp) } }
    let check: String
    do {
      let copy = try Connection(path: temp, create: true)
      try connection.backup(into: copy)
      try copy.execute("PRAGMA journal_mode = DELETE")
      check = try copy.all("PRAGMA integrity_check") { $0.text(0) }.joined(separator: "; ")
    }
    guard check == "ok" else {
      throw StoreError.engine(
        kind: .corrupt, message: "the copy failed its integrity check (\(check)); nothing kept")
    }
    try Self.syncFile(temp)
    guard rename(temp, path) == 0 else {
      throw StoreError.system(operation: "cannot rename the backup to", path: path, errno: errno)
    }
    keep = true
    Self.syncFolder(of: path)
    var st = stat()
    let bytes = stat(path, &st) == 0 ? Int64(st.st_size) : 0
    return StoreBackup(path: path, bytes: bytes, check: check)
  }

  /// A new name in the folder of `path` (so a rename to `path` is atomic) that nothing has:
  /// `.NAME.authctl-XXXXXXXX`.
  static func temporaryPath(beside path: String) throws -> String {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return folder + "." + name + ".authctl-" + Hex.encode(try Random.bytes(6))
  }

  /// Removes a database file made here, with any `-wal`, `-shm` or `-journal` beside it.
  static func removeDatabaseFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
  }

  /// fsync(2) of the file at `path`.
  static func syncFile(_ path: String) throws(StoreError) {
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0, fsync(fd) == 0 else {
      let code = errno
      if fd >= 0 { close(fd) }
      throw .system(operation: "cannot sync", path: path, errno: code)
    }
    close(fd)
  }

  /// fsync(2) of the folder holding `path`, so a rename in it is on disk (best effort).
  static func syncFolder(of path: String) {
    let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "."
    let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      fsync(fd)
      close(fd)
    }
  }
}

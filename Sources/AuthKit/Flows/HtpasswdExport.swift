/// `users export --format htpasswd --output FILE` (issue 14): one `email:hash` line per
/// account that may authenticate now (`AccountAccess.standing`: confirmed, enabled, not
/// locked) and has a hash crypt(3) checks, for nginx's `auth_basic_user_file` and Apache's
/// `AuthUserFile`. bcrypt hashes stay as they are: nginx hands them to libc's crypt(3)
/// (libxcrypt on Debian, which knows `$2b$`), Apache to APR, which falls back to crypt(3).
///
/// The file is replaced atomically, mode 0640 (`AtomicFile`): the web server reads the old
/// list or the new one. It is a snapshot: a lock, a disable or a new password acts on the web
/// server only at the next export (run it from cron or after each change).
public struct HtpasswdExport {
  public struct Result: Sendable {
    /// Lines written.
    public var exported: Int
    /// Accounts left out: not allowed to authenticate, or with no usable hash.
    public var leftOut: Int
    /// The existing file's group could not be kept (see `AtomicFile`).
    public var groupChanged: Bool
  }

  let store: any Store
  let clock: Clock

  public init(store: any Store, clock: Clock) {
    self.store = store
    self.clock = clock
  }

  /// Writes the file at `path` from one snapshot of the accounts.
  public func run(to path: String) throws -> Result {
    let file = try AtomicFile(path: path, mode: 0o640)
    let now = clock.now()
    var exported = 0
    var leftOut = 0
    var buffer: [UInt8] = []
    try store.read { tx in
      try tx.eachAccount { a in
        guard AccountAccess.standing(a, now: now) == .allowed, let hash = a.passwordHash,
          Self.fits(a.email, hash)
        else {
          leftOut += 1
          return
        }
        buffer += Array("\(a.email):\(hash)\n".utf8)
        exported += 1
        if buffer.count >= 1 << 16 {
          try file.write(buffer)
          buffer.removeAll(keepingCapacity: true)
        }
      }
    }
    try file.write(buffer)
    try file.commit()
    return Result(exported: exported, leftOut: leftOut, groupChanged: file.groupChanged)
  }

  /// True when the line `email:hash` means what it says: a scheme crypt(3) checks, and no
  /// byte that would end the field or the line.
  static func fits(_ email: String, _ hash: String) -> Bool {
    guard PasswordHasher.verifiable.contains(where: { hash.hasPrefix($0) }) else { return false }
    let bad: (UInt8) -> Bool = { $0 < 0x21 || $0 == 0x7f || $0 == UInt8(ascii: ":") }
    return !email.utf8.contains(where: bad) && !hash.utf8.contains(where: bad)
  }
}

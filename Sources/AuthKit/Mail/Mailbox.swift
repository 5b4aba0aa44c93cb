import Synchronization

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

#if canImport(Glibc)
  import Glibc
#endif

/// A local mbox file in the mboxrd variant (as mail(1), mutt and Python's `mailbox.mbox` read
/// it): each message starts with a `From sender date` line, body lines matching `^>*From ` get
/// one more `>`, line ends are LF and a blank line follows each message.
///
/// The file is created with `O_NOFOLLOW` and `O_EXCL`, 0600 whatever the umask — or, beside a
/// database, with the database's owner and group and its mode without the bits for others, so
/// root working on a user's database leaves a mailbox the user's later runs can write, and a
/// group-shared (0660) database gets a group-shared mailbox. An existing mailbox that others
/// can write, or that belongs to another user outside the database's owner and group
/// (`FileOwner.trusted(beside:)`: a planted file that would receive the tokens), is refused. Each append happens under an
/// `fcntl` write lock on the whole file, so concurrent writers (other authctl processes, mail
/// delivery agents) never interleave. `fcntl` locks belong to the process, so appends from
/// threads of one process are also serialised by a mutex.
public final class Mailbox {
  public let path: String
  /// The database the mailbox belongs to, whose owner, group and mode a new mailbox takes.
  public let database: FileOwner?
  private static let appending = Mutex(())

  public init(path: String, database: FileOwner? = nil) {
    self.path = path
    self.database = database
  }

  /// Appends `message` (CRLF or LF line ends) with the envelope sender and time in its
  /// `From ` line, then `fsync`s before releasing the lock.
  public func append(_ message: [UInt8], envelopeFrom: String, date: Int64) throws(MailError) {
    let bytes = Self.entry(message, envelopeFrom: envelopeFrom, date: date)
    let failure: MailError? = Self.appending.withLock { _ in
      do throws(SystemError) {
        return try appendLocked(bytes).map { .untrustedMailbox($0) }
      } catch {
        return .mailbox(error.text)
      }
    }
    if let failure { throw failure }
  }

  /// Opens (creating it as described above, no symlink), checks, locks, appends and syncs.
  /// Returns the reason a file is refused, or nil when the message was appended.
  private func appendLocked(_ bytes: [UInt8]) throws(SystemError) -> String? {
    let file: PrivateFile
    do {
      file = try PrivateFile.open(path, flags: O_APPEND, openExisting: true)
    } catch {
      throw error.systemError(path)
    }
    let fd = file.fd
    defer { close(fd) }
    if file.created {
      try adopt(fd)
    } else if let refusal = try refusal(fd) {
      return refusal
    }
    try lock(fd, type: F_WRLCK)
    try writeAll(fd, bytes, "write \(path)")
    try systemCall("fsync \(path)") { fsync(fd) }
    return nil
  }

  /// Gives a new mailbox (0600 already) its owner and mode: the database's (root gives it to
  /// the database's owner; another user takes the database's group when it is one of theirs),
  /// else 0600.
  private func adopt(_ fd: Int32) throws(SystemError) {
    var mode: mode_t = 0o600
    if let db = database {
      if geteuid() == 0 {
        try systemCall("chown \(path)") { fchown(fd, db.uid, db.gid) }
        mode = db.mode & 0o660
      } else if db.gid == getegid() || fchown(fd, uid_t.max, db.gid) == 0 {
        mode = db.mode & 0o660
      }
    }
    try systemCall("chmod \(path)") { fchmod(fd, mode | 0o600) }
  }

  /// Why an existing mailbox is refused, or nil. One of the caller's own that is more open than
  /// the database allows is tightened (a failed `fchmod` is an error).
  private func refusal(_ fd: Int32) throws(SystemError) -> String? {
    guard let f = FileOwner(fd: fd) else {
      throw SystemError(operation: "stat \(path)", code: errno)
    }
    if let reason = f.untrustedReason("the mailbox", path) { return reason }
    if !(database.map(f.trusted(beside:)) ?? f.ownedByCallerOrRoot) {
      return
        "the mailbox \(path) belongs to \(FileOwner.userName(f.uid)), not to you, root or the database's owner or group; refused"
    }
    // Never more open than the database: 0600, plus the database's group bits when the
    // mailbox shares its group.
    var allowed: mode_t = 0o600
    if let db = database, f.gid == db.gid { allowed |= db.mode & 0o060 }
    if f.uid == geteuid(), f.mode & 0o777 & ~allowed != 0 {
      try systemCall("chmod \(path)") { fchmod(fd, (f.mode & allowed) | 0o600) }
    }
    return nil
  }

  /// Every message in the file, oldest first, without its `From ` line and with the `>From `
  /// quoting undone (LF line ends). A missing file holds no messages.
  public func messages() throws(MailError) -> [[UInt8]] {
    var data: [UInt8] = []
    var refusal: String?
    do throws(SystemError) {
      let fd: Int32
      do {
        fd = try systemCall("open \(path)") { open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
      } catch  where error.code == ENOENT {
        return []
      }
      defer { close(fd) }
      if let f = FileOwner(fd: fd), let reason = f.untrustedReason("the mailbox", path) {
        refusal = reason
      } else {
        try lock(fd, type: F_RDLCK)
        data = try readAll(fd, "read \(path)")
      }
    } catch {
      throw .mailbox(error.text)
    }
    if let refusal { throw .untrustedMailbox(refusal) }
    return Self.split(data)
  }

  private func lock(_ fd: Int32, type: Int32) throws(SystemError) {
    var lock = flock()
    lock.l_type = Int16(type)
    lock.l_whence = Int16(SEEK_SET)
    lock.l_start = 0
    lock.l_len = 0
    try systemCall("lock \(path)") { fcntl(fd, F_SETLKW, &lock) }
  }

  /// The bytes one message adds to the file.
  static func entry(_ message: [UInt8], envelopeFrom: String, date: Int64) -> [UInt8] {
    let sender =
      envelopeFrom.isEmpty || envelopeFrom.utf8.contains(where: { $0 <= 32 || $0 == 127 })
      ? "MAILER-DAEMON" : envelopeFrom
    var out = Array("From \(sender) \(asctime(date))\n".utf8)
    let from = Array("From ".utf8)
    for line in MailEncoding.lines(message) {
      let quoted = line.drop { $0 == UInt8(ascii: ">") }
      if quoted.starts(with: from) { out.append(UInt8(ascii: ">")) }
      out += line
      out.append(10)
    }
    out.append(10)
    return out
  }

  /// Splits an mboxrd file into messages.
  static func split(_ data: [UInt8]) -> [[UInt8]] {
    var messages: [[UInt8]] = []
    var current: [UInt8]?
    let from = Array("From ".utf8)
    var previousBlank = true
    for line in MailEncoding.lines(data) {
      if previousBlank && line.starts(with: from) {
        if let done = current { messages.append(withoutSeparator(done)) }
        current = []
        previousBlank = false
        continue
      }
      previousBlank = line.isEmpty
      let quoted = line.drop { $0 == UInt8(ascii: ">") }
      var text = line
      if !line.isEmpty, line.first == UInt8(ascii: ">"), quoted.starts(with: from) {
        text = line.dropFirst()
      }
      current? += text
      current?.append(10)
    }
    if let done = current { messages.append(withoutSeparator(done)) }
    return messages
  }

  /// `message` without the blank separator line that ends it.
  private static func withoutSeparator(_ message: [UInt8]) -> [UInt8] {
    message.count >= 2 && message.suffix(2) == [10, 10] ? Array(message.dropLast()) : message
  }

  /// `Wed Nov 25 12:00:00 2026`, the asctime(3) form of the `From ` line, in UTC.
  static func asctime(_ seconds: Int64) -> String {
    let full = MailEncoding.rfc5322Date(seconds)  // "Wed, 25 Nov 2026 12:00:00 +0000"
    let parts = full.split(separator: " ")
    let day = parts[1].hasPrefix("0") ? " " + parts[1].dropFirst() : String(parts[1])
    return "\(parts[0].dropLast()) \(parts[2]) \(day) \(parts[4]) \(parts[3])"
  }
}

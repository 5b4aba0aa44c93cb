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
/// The file is created 0600 with `O_NOFOLLOW`, whatever the umask, and each append happens under
/// an `fcntl` write lock on the whole file, so concurrent writers (other authctl processes,
/// mail delivery agents) never interleave. `fcntl` locks belong to the process, so appends from
/// threads of one process are also serialised by a mutex.
public final class Mailbox {
  public let path: String
  private static let appending = Mutex(())

  public init(path: String) { self.path = path }

  /// Appends `message` (CRLF or LF line ends) with the envelope sender and time in its
  /// `From ` line, then `fsync`s before releasing the lock.
  public func append(_ message: [UInt8], envelopeFrom: String, date: Int64) throws(MailError) {
    let bytes = Self.entry(message, envelopeFrom: envelopeFrom, date: date)
    let failure: SystemError? = Self.appending.withLock { _ in
      do throws(SystemError) {
        try appendLocked(bytes)
        return nil
      } catch {
        return error
      }
    }
    if let failure { throw .mailbox(failure.text) }
  }

  /// Opens (0600, no symlink), locks, appends and syncs.
  private func appendLocked(_ bytes: [UInt8]) throws(SystemError) {
    let fd = try systemCall("open \(path)") {
      open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
    defer { close(fd) }
    try systemCall("chmod \(path)") { fchmod(fd, 0o600) }
    try lock(fd, type: F_WRLCK)
    try writeAll(fd, bytes, "write \(path)")
    try systemCall("fsync \(path)") { fsync(fd) }
  }

  /// Every message in the file, oldest first, without its `From ` line and with the `>From `
  /// quoting undone (LF line ends). A missing file holds no messages.
  public func messages() throws(MailError) -> [[UInt8]] {
    var data: [UInt8] = []
    do throws(SystemError) {
      let fd: Int32
      do {
        fd = try systemCall("open \(path)") { open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
      } catch  where error.code == ENOENT {
        return []
      }
      defer { close(fd) }
      try lock(fd, type: F_RDLCK)
      data = try readAll(fd, "read \(path)")
    } catch {
      throw .mailbox(error.text)
    }
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
        if let done = current { messages.append(trimmed(done)) }
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
    if let done = current { messages.append(trimmed(done)) }
    return messages
  }

  /// `message` without the blank separator line that ends it.
  private static func trimmed(_ message: [UInt8]) -> [UInt8] {
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

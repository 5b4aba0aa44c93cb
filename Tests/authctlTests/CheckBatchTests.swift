import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl check --batch`, Squid's basic_auth helper protocol, spoken directly (issue 14):
/// one process, one reply line per request line, the database reopened only when the file at
/// its path is another one.
@Suite struct CheckBatchTests {
  let accounts: ServiceAccounts
  static let pw = "correct%20horse%20battery%209"

  init() throws { accounts = try ServiceAccounts() }

  /// A running `check --batch`: each `ask` writes one line and reads one reply line.
  final class Helper {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private var pending = Data()

    init(_ arguments: [String], directory: URL) throws {
      process.executableURL = URL(fileURLWithPath: authctlPath)
      process.arguments = arguments
      process.environment = ["AUTHCTL_BCRYPT_COST": "4", "PATH": "/usr/bin:/bin"]
      process.currentDirectoryURL = directory
      process.standardInput = input
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
    }

    func ask(_ line: String) throws -> String {
      input.fileHandleForWriting.write(Data((line + "\n").utf8))
      while !pending.contains(10) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { throw TestSupportError("the helper ended before answering \(line)") }
        pending.append(chunk)
      }
      let end = pending.firstIndex(of: 10)!
      let reply = String(decoding: pending[..<end], as: UTF8.self)
      pending.removeSubrange(...end)
      return reply
    }

    /// Closes stdin and waits: the helper ends at the end of its input.
    func finish() -> Int32 {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
      return process.terminationStatus
    }
  }

  @Test func oneReplyPerRequestInSquidsProtocol() throws {
    let r = try authctl(
      ["--db", accounts.db, "check", "--batch"],
      stdin: """
        \(ServiceAccounts.active) \(Self.pw)
        ann%40example.com \(Self.pw)
        \(ServiceAccounts.active) wrong
        \(ServiceAccounts.disabled) \(Self.pw)
        nobody@example.com \(Self.pw)
        7 \(ServiceAccounts.active) \(Self.pw)
        8 \(ServiceAccounts.locked) \(Self.pw)
        just-one-word
        \(ServiceAccounts.active) bad%zzescape
        not-an-address \(Self.pw)

        """)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout.split(separator: "\n", omittingEmptySubsequences: false) == [
        "OK", "OK", "ERR", "ERR", "ERR", "7 OK", "8 ERR", "ERR", "ERR", "ERR", "",
      ], "\(r.stdout)")
    #expect(try accounts.failedChecks(ServiceAccounts.active) == 1)
    // With -v each ERR says why, quoted as Squid reads kv-pairs.
    let v = try authctl(
      ["--db", accounts.db, "-v", "check", "--batch"],
      stdin: "\(ServiceAccounts.disabled) \(Self.pw)\n\(ServiceAccounts.active) wrong\n")
    #expect(
      v.stdout == """
        ERR message="account dis@example.com is disabled"
        ERR message="wrong password"

        """, "\(v.stdout)")
  }

  @Test func aLineTooLongEndsTheHelper() throws {
    let r = try authctl(
      ["--db", accounts.db, "check", "--batch"],
      stdin: "\(ServiceAccounts.active) \(Self.pw)\n" + String(repeating: "a", count: 9000) + "\n")
    #expect(r.status == 65, "\(r.stderr)")
    #expect(r.stdout == "OK\nBH message=\"request longer than 8192 bytes\"\n", "\(r.stdout)")
  }

  /// The database is reopened when the file at its path is replaced or comes back, never
  /// otherwise; a missing one is a BH reply, and the helper goes on.
  @Test func theDatabaseIsReopenedWhenTheFileChanges() throws {
    let helper = try Helper(["--db", accounts.db, "check", "--batch"], directory: accounts.dir.url)
    let request = "\(ServiceAccounts.active) \(Self.pw)"
    #expect(try helper.ask(request) == "OK")
    let opened = try openInode(helper.process.processIdentifier)
    #expect(try helper.ask(request) == "OK")
    #expect(try openInode(helper.process.processIdentifier) == opened, "the same file stays open")
    // Another database moved over the path, where the account is disabled.
    let other = try ServiceAccounts()
    try other.authctlOK(["users", "disable", ServiceAccounts.active])
    #expect(rename(other.db, accounts.db) == 0)
    #expect(try helper.ask(request) == "ERR", "the new file is read")
    #expect(try openInode(helper.process.processIdentifier) != opened)
    // Gone: a temporary failure, and the helper stays up.
    let aside = accounts.dir.file("aside.sqlite")
    #expect(rename(accounts.db, aside) == 0)
    #expect(try helper.ask(request).hasPrefix("BH message=\""))
    #expect(rename(aside, accounts.db) == 0)
    #expect(try helper.ask(request) == "ERR")
    #expect(helper.finish() == 0)
  }

  /// The inode of the database file the helper has open (from /proc/PID/fd).
  func openInode(_ pid: pid_t) throws -> UInt64 {
    let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
    for fd in fds {
      let link =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"))
      guard let link, link.hasSuffix("authctl.sqlite") || link.contains("authctl.sqlite (deleted)")
      else { continue }
      var st = stat()
      guard stat("/proc/\(pid)/fd/\(fd)", &st) == 0 else { continue }
      return UInt64(st.st_ino)
    }
    throw TestSupportError("the helper has no database open: \(fds)")
  }
}

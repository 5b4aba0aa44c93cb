import Foundation
import TestSupport
import Testing

@testable import AuthKit

/// `PrivateFile`, the one routine behind the database, the mailbox and the session file:
/// a new file is 0600 and made with `O_EXCL`, never through a symbolic link.
@Suite struct PrivateFileTests {
  static func mode(_ path: String) -> mode_t? { FileOwner(path: path).map { $0.mode & 0o777 } }

  @Test func createsA0600FileThenOpensTheExistingOne() throws {
    let dir = try TempDir("private")
    let path = dir.file("f")
    let first = try PrivateFile.open(path, openExisting: true)
    #expect(first.created)
    #expect(write(first.fd, "a", 1) == 1)
    close(first.fd)
    #expect(Self.mode(path) == 0o600)
    let second = try PrivateFile.open(path, flags: O_APPEND, openExisting: true)
    #expect(!second.created)
    #expect(write(second.fd, "b", 1) == 1)
    close(second.fd)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "ab", "appended, not truncated")
  }

  @Test func anExistingFileIsRefusedWithoutOpenExisting() throws {
    let dir = try TempDir("private")
    let path = dir.file("f")
    close(try PrivateFile.open(path, openExisting: false).fd)
    #expect(throws: PrivateFile.Failure.self) { try PrivateFile.open(path, openExisting: false) }
    do {
      _ = try PrivateFile.open(path, openExisting: false)
    } catch {
      #expect(error.code == EEXIST)
      #expect(
        error.systemError(path).text == "create \(path): \(String(cString: strerror(EEXIST)))")
    }
  }

  @Test func neverThroughASymbolicLink() throws {
    let dir = try TempDir("private")
    let target = dir.file("target")
    try "keep".write(toFile: target, atomically: true, encoding: .utf8)
    chmod(target, 0o644)
    let link = dir.file("link")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    for openExisting in [true, false] {
      do {
        let file = try PrivateFile.open(link, openExisting: openExisting)
        close(file.fd)
        Issue.record("opened through the link (openExisting: \(openExisting))")
      } catch {
        #expect(error.code == (openExisting ? ELOOP : EEXIST), "\(error)")
      }
    }
    // A dangling link is not followed either: nothing is created at its target.
    let dangling = dir.file("dangling")
    try FileManager.default.createSymbolicLink(
      atPath: dangling, withDestinationPath: dir.file("nowhere"))
    #expect(throws: PrivateFile.Failure.self) {
      try PrivateFile.open(dangling, openExisting: true)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.file("nowhere")))
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
    #expect(Self.mode(target) == 0o644)
  }
}

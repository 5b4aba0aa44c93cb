import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The local mbox: mode, quoting, Python's `mailbox` reading it, concurrent writers.
@Suite struct MailboxTests {
  /// Python's reading of the mbox at `path`: per message, the envelope sender and the decoded
  /// subject, to and body.
  func pythonRead(_ path: String) throws -> [[String: String]] {
    let code = """
      import sys, json, mailbox, email, email.policy
      out = []
      mb = mailbox.mbox(sys.argv[1], create=False)
      for key in mb.keys():
          m = email.message_from_bytes(mb.get_bytes(key), policy=email.policy.default)
          out.append({"sender": mb[key].get_from().split(" ")[0], "subject": str(m["subject"]),
                      "to": str(m["to"]), "body": m.get_content().replace("\\r\\n", "\\n")})
      print(json.dumps(out))
      """
    let r = try python(code, [path])
    try #require(r.status == 0, "\(r.stderr)")
    return try JSONDecoder().decode([[String: String]].self, from: r.stdoutData)
  }

  @Test func createdPrivateWhateverTheUmask() throws {
    let dir = try TempDir()
    let path = dir.file("mail.mbox")
    let old = umask(0)
    defer { umask(old) }
    try Mailbox(path: path).append(sampleMessage().render(), envelopeFrom: "a@b", date: 0)
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_mode & 0o777 == 0o600)
  }

  @Test func existingLooseModeIsTightened() throws {
    let dir = try TempDir()
    let path = dir.file("mail.mbox")
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    chmod(path, 0o644)
    try Mailbox(path: path).append(sampleMessage().render(), envelopeFrom: "a@b", date: 0)
    var st = stat()
    #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
  }

  @Test func symlinkRefused() throws {
    let dir = try TempDir()
    let target = dir.file("elsewhere")
    #expect(FileManager.default.createFile(atPath: target, contents: nil))
    let path = dir.file("mail.mbox")
    #expect(symlink(target, path) == 0)
    let error = mailError { try Mailbox(path: path).append([65], envelopeFrom: "a@b", date: 0) }
    guard case .mailbox(let text) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(text.contains(path))
    #expect(try Data(contentsOf: URL(fileURLWithPath: target)).isEmpty)
  }

  @Test func fromLinesAreQuotedAndUnquoted() throws {
    let dir = try TempDir()
    let path = dir.file("mail.mbox")
    let raw = Array(
      "Subject: q\r\n\r\nFrom here\r\n>From there\r\nFrom: not a separator\r\nFromage\r\n".utf8)
    let box = Mailbox(path: path)
    try box.append(raw, envelopeFrom: "sender@example.com", date: 1_764_072_000)
    try box.append(raw, envelopeFrom: "", date: 1_764_072_000)
    let file = try String(contentsOfFile: path, encoding: .utf8)
    #expect(file.hasPrefix("From sender@example.com Tue Nov 25 12:00:00 2025\n"))
    #expect(file.contains("\n>From here\n>>From there\nFrom: not a separator\nFromage\n\n"))
    #expect(file.contains("\nFrom MAILER-DAEMON Tue Nov 25 12:00:00 2025\n"))
    #expect(!file.contains("\r"))
    let back = try box.messages()
    let expected = Array(
      "Subject: q\n\nFrom here\n>From there\nFrom: not a separator\nFromage\n".utf8)
    #expect(back == [expected, expected])
    #expect(try pythonRead(path).count == 2)
  }

  @Test func pythonMailboxReadsWhatWeWrote() throws {
    let dir = try TempDir()
    let path = dir.file("mail.mbox")
    let box = Mailbox(path: path)
    let messages = [
      sampleMessage(to: "ann@example.com", subject: "Confirm your account", body: "Token: abc\n"),
      sampleMessage(
        to: "bob@example.com", subject: "Réinitialisation ✓",
        body: "From now on\n.\nPassword: p=4ss\n" + String(repeating: "x", count: 300)),
    ]
    for m in messages { try box.append(m.render(), envelopeFrom: m.from, date: m.date) }
    let read = try pythonRead(path)
    #expect(read.count == 2)
    for (m, r) in zip(messages, read) {
      #expect(r["sender"] == m.from)
      #expect(r["subject"] == m.subject)
      #expect(r["to"] == m.to)
      #expect(r["body"] == expectedText(m.body))
    }
    // And our own reader gives back the decoded messages.
    let decoded = try box.messages().compactMap(DecodedMessage.parse)
    #expect(decoded.map(\.subject) == messages.map(\.subject))
    #expect(decoded.map(\.body) == messages.map { expectedText($0.body) })
  }

  @Test func missingFileHasNoMessages() throws {
    let dir = try TempDir()
    #expect(try Mailbox(path: dir.file("none.mbox")).messages().isEmpty)
  }

  @Test func concurrentWritersLoseNothing() async throws {
    let dir = try TempDir()
    let path = dir.file("mail.mbox")
    let count = 150
    // A Python writer that takes the same fcntl (POSIX record) lock, in another process.
    let writer = """
      import sys, fcntl, os
      path, n = sys.argv[1], int(sys.argv[2])
      for i in range(n):
          body = "".join("py %d line %d\\n" % (i, k) for k in range(20))
          entry = "From py@example.com Tue Nov 25 12:00:00 2025\\nSubject: py-%d\\n\\n%s\\n" % (i, body)
          with open(path, "ab") as f:
              fcntl.lockf(f, fcntl.LOCK_EX)
              f.write(entry.encode())
              f.flush()
              os.fsync(f.fileno())
              fcntl.lockf(f, fcntl.LOCK_UN)
      """
    let pythonWriter = Task.detached { try python(writer, [path, String(count)]) }
    await withTaskGroup(of: Void.self) { group in
      for t in 0..<2 {
        group.addTask {
          let box = Mailbox(path: path)  // each thread opens the file itself
          for i in 0..<count {
            let body = (0..<20).map { "swift \(t)-\(i) line \($0)\n" }.joined()
            let raw = Array("Subject: swift-\(t)-\(i)\r\n\r\n\(body)".utf8)
            try? box.append(raw, envelopeFrom: "swift@example.com", date: 1_764_072_000)
          }
        }
      }
    }
    let result = try await pythonWriter.value
    #expect(result.status == 0, "\(result.stderr)")
    let read = try pythonRead(path)
    #expect(read.count == 3 * count)
    var subjects = Set<String>()
    for r in read {
      let subject = r["subject"] ?? ""
      subjects.insert(subject)
      let lines = (r["body"] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
      let tag =
        subject.hasPrefix("py-") ? "py \(subject.dropFirst(3))" : "swift \(subject.dropFirst(6))"
      let expected = (0..<20).map { "\(tag) line \($0)" } + [""]
      #expect(lines.map { String($0) } == expected, "message \(subject) damaged")
    }
    #expect(subjects.count == 3 * count)
    #expect(try Mailbox(path: path).messages().count == 3 * count)
  }
}

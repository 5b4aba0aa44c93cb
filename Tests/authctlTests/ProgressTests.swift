import Foundation
import TestSupport
import Testing

/// Issue 6: long work shows a progress line on stderr when stderr is a terminal, and nothing
/// otherwise or with -q; issue 17: an import's shows its rate and the time left.
@Suite struct ProgressTests {
  /// Runs the binary on a pseudo-terminal and returns what the terminal showed.
  func onTerminal(_ args: [String]) throws -> String {
    let script = """
      import os, pty, sys
      pid, fd = pty.fork()
      if pid == 0:
          os.execve(sys.argv[1], [sys.argv[1]] + sys.argv[2:], {"PATH": "/usr/bin:/bin", "AUTHCTL_BCRYPT_COST": "4"})
      out = b""
      while True:
          try: chunk = os.read(fd, 4096)
          except OSError: break
          if not chunk: break
          out += chunk
      os.waitpid(pid, 0)
      sys.stdout.write(out.decode(errors="replace"))
      """
    return try python(script, [authctlPath] + args).stdout
  }

  @Test func importAndPurgeShowProgressOnlyOnATerminal() throws {
    let dir = try TempDir("progress")
    let csv = dir.file("many.csv")
    var text = "email,password_hash,activated_at,created_at\n"
    for i in 0..<5000 { text += "p\(i)@example.com,,,2020-01-01\n" }
    try text.write(toFile: csv, atomically: true, encoding: .utf8)
    let db = dir.file("p.sqlite")
    let screen = try onTerminal(["--db", db, "users", "import", csv])
    #expect(screen.contains("importing: ") && screen.contains("imported 5000"), "\(screen)")
    // Issue 17: the rows read, the rate, and the time left from the share of the file read.
    #expect(
      screen.contains(#/importing: [0-9]+ rows, [0-9]+/s, [0-9]+:[0-5][0-9] left/#),
      "\(screen)")
    let purge = try onTerminal([
      "--db", db, "users", "purge", "--unconfirmed", "--older-than", "7d",
    ])
    #expect(purge.contains("purging unconfirmed accounts") && purge.contains("removed 5000"))
    let quiet = try onTerminal(["--db", db, "-q", "users", "export"])
    #expect(!quiet.contains("exporting"), "-q: no progress")
    let piped = try authctl(["--db", db, "users", "import", csv])
    #expect(piped.status == 0 && !piped.stderr.contains("importing"), "no terminal: no progress")
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16: the hashes Flask and Django apps hold, made by the real libraries — Werkzeug's
/// `generate_password_hash`, passlib, and Django's PBKDF2 algorithm through `hashlib` (Django
/// itself is not installed: its hasher is `hashlib.pbkdf2_hmac` and `base64.b64encode`) —
/// imported through the binary, logged in with, and rehashed to bcrypt at that first login.
@Suite(.tags(.slow)) struct AppHashInteropTests {
  static let password = "correct horse battery staple é"
  static let hasWerkzeug3 =
    "from werkzeug.security import generate_password_hash as g; g('x', 'scrypt')"
  static let hasPasslib = "import passlib.hash"

  /// Imports `rows` (email, hash) as confirmed accounts, then logs each in: right password
  /// first refused when wrong, then accepted and rehashed to `$2b$04$`, then accepted again.
  func importAndLogIn(_ rows: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let w = try Walk()
    var csv = "email,password_hash,activated_at,created_at\n"
    for (email, hash) in rows { csv += "\(email),\(hash),2021-06-10T14:23:11.123456,\n" }
    let file = w.dir.file("app.csv")
    try csv.write(toFile: file, atomically: true, encoding: .utf8)
    try w.run(["users", "import", file], sourceLocation: sourceLocation)
    for (email, hash) in rows {
      try w.run(
        ["login", email, "--password-stdin"], stdin: "correct horse battery staple\n", expect: 77,
        sourceLocation: sourceLocation)
      try w.run(
        ["login", email, "--password-stdin"], stdin: Self.password + "\n",
        sourceLocation: sourceLocation)
      let stored = try w.value("SELECT password FROM users WHERE email = ?1", [.text(email)])
      #expect(
        stored?.hasPrefix("$2b$04$") == true, "\(hash.prefix(20))… rehashed: \(stored ?? "nil")",
        sourceLocation: sourceLocation)
      try w.run(
        ["login", email, "--password-stdin"], stdin: Self.password + "\n",
        sourceLocation: sourceLocation)
    }
    #expect(
      try w.count("SELECT count(*) FROM audit WHERE detail LIKE 'rehashed%'") == Int64(rows.count))
  }

  /// The hashes `code` prints, one per line.
  func hashes(_ code: String) throws -> [String] {
    let r = try python(code, [Self.password])
    #expect(r.status == 0, "\(r.stderr)")
    return r.stdout.split(separator: "\n").map(String.init)
  }

  @Test(
    .enabled(
      if: Prerequisite.pythonOrCI(hasWerkzeug3),
      "Werkzeug 3 is not installed (pip install 'werkzeug>=3')"))
  func werkzeug() throws {
    try Prerequisite.require(
      python: Self.hasWerkzeug3,
      install: "python3 -m pip install --break-system-packages 'werkzeug>=3'")
    let made = try hashes(
      """
      import sys
      from werkzeug.security import generate_password_hash as g, check_password_hash as c
      for method in ("pbkdf2:sha256", "pbkdf2:sha256:1000", "pbkdf2:sha512:2000", "pbkdf2:sha1:1000", "scrypt", "scrypt:16384:8:2"):
          h = g(sys.argv[1], method)
          assert c(h, sys.argv[1])
          print(h)
      """)
    #expect(made.count == 6)
    #expect(made[0].hasPrefix("pbkdf2:sha256:") && made[4].hasPrefix("scrypt:32768:8:1$"))
    try importAndLogIn(made.enumerated().map { ("w\($0.offset)@example.com", $0.element) })
  }

  @Test func werkzeugWithoutAnIterationCountMeansWerkzeug2sDefault() throws {
    // Werkzeug writes the count; a hash without one reads as Werkzeug 2.0's 260,000.
    let made = try hashes(
      """
      import hashlib, sys
      dk = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), b"abcdefghijklmnop", 260000)
      print("pbkdf2:sha256$abcdefghijklmnop$" + dk.hex())
      """)
    try importAndLogIn([("w@example.com", made[0])])
  }

  @Test func django() throws {
    // Django's PBKDF2PasswordHasher.encode: pbkdf2_hmac with the salt's text, the key in
    // standard base64 (django/contrib/auth/hashers.py, django/utils/crypto.py).
    let made = try hashes(
      """
      import base64, hashlib, secrets, sys
      def make(algorithm, digest, iterations):
          salt = secrets.token_urlsafe(16)[:22]
          dk = hashlib.pbkdf2_hmac(digest, sys.argv[1].encode(), salt.encode(), iterations)
          return "%s$%d$%s$%s" % (algorithm, iterations, salt, base64.b64encode(dk).decode().strip())
      print(make("pbkdf2_sha256", "sha256", 870000))
      print(make("pbkdf2_sha1", "sha1", 1000))
      """)
    try importAndLogIn([("d1@example.com", made[0]), ("d2@example.com", made[1])])
  }

  @Test(
    .enabled(
      if: Prerequisite.pythonOrCI(hasPasslib),
      "passlib is not installed (apt-get install python3-passlib)"))
  func passlib() throws {
    try Prerequisite.require(python: Self.hasPasslib, install: "apt-get install python3-passlib")
    let made = try hashes(
      """
      import sys
      from passlib.hash import pbkdf2_sha256, pbkdf2_sha512, pbkdf2_sha1
      for h in (pbkdf2_sha256, pbkdf2_sha512, pbkdf2_sha1):
          out = h.hash(sys.argv[1])
          assert h.verify(sys.argv[1], out)
          print(out)
      """)
    #expect(made[0].hasPrefix("$pbkdf2-sha256$") && made[2].hasPrefix("$pbkdf2$"))
    try importAndLogIn(made.enumerated().map { ("p\($0.offset)@example.com", $0.element) })
  }

  @Test func costlyAndMalformedHashesAreRefusedAtImport() throws {
    let w = try Walk()
    let key64 = String(repeating: "ab", count: 64)
    let key32 = String(repeating: "cd", count: 32)
    let costly = [
      "pbkdf2:sha256:3000000$salt$\(key32)",  // more than 2,000,000 iterations
      "scrypt:262144:8:1$salt$\(key64)",  // 256 MiB
      "scrypt:32768:8:64$salt$\(key64)",  // N·r·p of 2^24
      "pbkdf2_sha256$2500000$salt$" + String(repeating: "A", count: 43) + "=",
      "$pbkdf2-sha256$2100000$c2FsdHNhbHQ$" + String(repeating: "A", count: 43),
    ]
    let malformed = [
      "pbkdf2:sha256:1000$salt$\(key64)",  // a key of the wrong length
      "pbkdf2:md5:1000$salt$\(key32)",  // an unknown digest
      "scrypt:30000:8:1$salt$\(key64)",  // N not a power of two
      "scrypt:1073741824:8:1$salt$\(key64)",  // past the hard bound, even with the override
      "pbkdf2_sha256$0$salt$" + String(repeating: "A", count: 43) + "=",
      "$pbkdf2-sha256$1000$c2FsdHNhbHQ$not+ab64",
    ]
    for (n, hash) in costly.enumerated() {
      let file = w.dir.file("costly\(n).csv")
      try "email,password_hash,activated_at,created_at\nc\(n)@example.com,\(hash),,\n".write(
        toFile: file, atomically: true, encoding: .utf8)
      let r = try w.run(["users", "import", file], expect: 65)
      #expect(r.stderr.contains("--allow-expensive-hashes"), "\(hash): \(r.stderr)")
      try w.run(["users", "import", file, "--allow-expensive-hashes"])
    }
    for (n, hash) in malformed.enumerated() {
      let file = w.dir.file("bad\(n).csv")
      try "email,password_hash,activated_at,created_at\nm\(n)@example.com,\(hash),,\n".write(
        toFile: file, atomically: true, encoding: .utf8)
      let r = try w.run(["users", "import", file, "--allow-expensive-hashes"], expect: 65)
      #expect(r.stderr.contains("line 2"), "\(hash): \(r.stderr)")
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16's breached passwords through the built binary: a generated sorted corpus
/// (`AUTHCTL_BREACHED_FILE`) and a local HTTPS server speaking the range API
/// (`AUTHCTL_BREACHED_API`, trusted through `AUTHCTL_TLS_CA_FILE`), in every command that
/// takes a chosen password, and what `AUTHCTL_BREACHED_MODE` does when the API cannot answer.
@Suite(.tags(.slow)) struct BreachedPasswordTests {
  static let breached = "correct horse battery staple"
  static let fine = "an unbreached passphrase 41"

  static func sha1Hex(_ text: String) throws -> String {
    try python(
      "import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest().upper())",
      [text]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A sorted corpus of 2,000 random hashes and the breached password's, HIBP's format.
  static func corpus(in dir: TempDir) throws -> String {
    let path = dir.file("pwned-passwords-sha1-ordered-by-hash.txt")
    let r = try python(
      """
      import hashlib, os, sys
      lines = {os.urandom(20).hex().upper() for _ in range(2000)}
      lines.add(hashlib.sha1(sys.argv[2].encode()).hexdigest().upper())
      with open(sys.argv[1], "w", newline="") as f:
          for i, h in enumerate(sorted(lines)):
              f.write("%s:%d\\r\\n" % (h, i % 50 + 1))
      """, [path, breached])
    #expect(r.status == 0, "\(r.stderr)")
    return path
  }

  @Test func theCorpusRefusesABreachedPasswordInEveryCommand() throws {
    let dir = try TempDir()
    let w = try Walk(env: ["AUTHCTL_BREACHED_FILE": try Self.corpus(in: dir)])
    let reg = try w.run(
      ["register", "ann@example.com", "--password-stdin"], stdin: Self.breached + "\n", expect: 65)
    #expect(reg.stderr.contains("this password appears in a breach corpus"))
    #expect(try w.count("SELECT count(*) FROM users") == 0, "nothing created")
    try w.run(["register", "ann@example.com"])
    let mail = try w.run(["mail", "show", "--to", "ann@example.com"]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let password = try #require(Walk.line("Password", in: mail))
    try w.run(["confirm", "-"], stdin: token + "\n")
    try w.run(
      ["users", "set-password", "ann@example.com", "--password-stdin"], stdin: Self.breached + "\n",
      expect: 65)
    try w.run(["recover", "ann@example.com"])
    let reset = try w.run(["mail", "show", "--to", "ann@example.com"]).stdout
    let resetToken = try #require(Walk.line("Token", in: reset))
    let code = try #require(Walk.line("Code", in: reset))
    try w.run(
      ["reset", "-", "--code", code, "--password-stdin"],
      stdin: "\(resetToken)\n\(Self.breached)\n",
      expect: 65)
    try w.run(["login", "ann@example.com", "--password-stdin"], stdin: password + "\n")
    try w.run(["passwd", "--request", "--password-stdin"], stdin: password + "\n")
    let passwdCode = try #require(
      Walk.line("Code", in: try w.run(["mail", "show", "--to", "ann@example.com"]).stdout))
    try w.run(
      ["passwd", "--code", passwdCode, "--password-stdin"], stdin: Self.breached + "\n", expect: 65)
    try w.run(["passwd", "--code", passwdCode, "--password-stdin"], stdin: Self.fine + "\n")
  }

  @Test func theRangeAPIOverVerifiedTLS() throws {
    let server = try HTTPSTestServer(.init(corpus: [try Self.sha1Hex(Self.breached): 3_861_493]))
    let w = try Walk(env: [
      "AUTHCTL_BREACHED_API": server.rangeURL,
      "AUTHCTL_TLS_CA_FILE": TestCertificates.shared.caPath,
    ])
    let refused = try w.run(
      ["register", "bob@example.com", "--password-stdin"], stdin: Self.breached + "\n", expect: 65)
    #expect(refused.stderr.contains("breach corpus"))
    try w.run(["register", "bob@example.com", "--password-stdin"], stdin: Self.fine + "\n")
    let requests = try server.requests()
    #expect(requests.count == 2)
    for (r, password) in zip(requests, [Self.breached, Self.fine]) {
      #expect(r.path == "/range/" + (try Self.sha1Hex(password)).prefix(5), "only the prefix")
      #expect(r.header("Add-Padding") == "true")
    }
    // Without the test CA the server's certificate is not trusted: required refuses for now.
    w.env["AUTHCTL_TLS_CA_FILE"] = nil
    let untrusted = try w.run(
      ["register", "cy@example.com", "--password-stdin"], stdin: Self.fine + "\n", expect: 75)
    #expect(untrusted.stderr.contains("certificate verify failed"), "\(untrusted.stderr)")
    #expect(try server.requests().count == 2, "nothing sent over an unverified connection")
  }

  @Test func whenTheAPICannotAnswerTheModeDecides() throws {
    let server = try HTTPSTestServer()
    let port = server.port
    server.stop()
    let w = try Walk(env: ["AUTHCTL_BREACHED_API": "https://127.0.0.1:\(port)/range/"])
    let required = try w.run(
      ["register", "dee@example.com", "--password-stdin"], stdin: Self.fine + "\n", expect: 75)
    #expect(required.stderr.contains("retry later"))
    #expect(try w.count("SELECT count(*) FROM users") == 0)
    w.env["AUTHCTL_BREACHED_MODE"] = "best-effort"
    let lenient = try w.run(
      ["register", "dee@example.com", "--password-stdin"], stdin: Self.fine + "\n")
    #expect(
      lenient.stderr.contains("warning: cannot check the password")
        && lenient.stderr.contains("accepted unchecked"))
    #expect(try w.count("SELECT count(*) FROM users") == 1)
    // A server that answers 503 is one that cannot answer.
    let busy = try HTTPSTestServer(.init(mode: .status, status: 503))
    w.env["AUTHCTL_BREACHED_API"] = busy.rangeURL
    w.env["AUTHCTL_TLS_CA_FILE"] = TestCertificates.shared.caPath
    w.env["AUTHCTL_BREACHED_MODE"] = "required"
    try w.run(
      ["register", "eve@example.com", "--password-stdin"], stdin: Self.fine + "\n", expect: 75)
  }

  @Test func badSettingsAreConfigurationErrors() throws {
    let w = try Walk()
    for (name, value) in [
      ("AUTHCTL_BREACHED_MODE", "sometimes"), ("AUTHCTL_BREACHED_API", "http://example.org/range/"),
      ("AUTHCTL_BREACHED_FILE", w.dir.file("missing.txt")), ("AUTHCTL_HTTP_TIMEOUT", "soon"),
    ] {
      w.env[name] = value
      let r = try w.run(
        ["register", "fay@example.com", "--password-stdin"], stdin: Self.fine + "\n", expect: 78)
      #expect(r.stderr.contains(name), "\(r.stderr)")
      w.env[name] = nil
    }
    let config = try w.run(["config", "--format", "json"]).stdoutData
    let names = (try JSONSerialization.jsonObject(with: config) as! [[String: Any]]).map {
      $0["name"] as! String
    }
    for name in [
      "AUTHCTL_BREACHED_FILE", "AUTHCTL_BREACHED_API", "AUTHCTL_BREACHED_MODE",
      "AUTHCTL_TLS_CA_FILE", "AUTHCTL_HTTP_TIMEOUT",
    ] {
      #expect(names.contains(name))
    }
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// The env file reads as python-dotenv reads it: compared with python-dotenv itself (Debian's
/// python3-dotenv), and with fixed expectations.
@Suite struct EnvFileTests {
  static let sample = """
    # comment
    export MAIL_SERVER=smtp.example.com
    MAIL_PORT = 587   # inline comment
    MAIL_USE_TLS=True
    QUOTED_SINGLE='a #not comment ${MAIL_PORT}'
    QUOTED_DOUBLE="line1\\nline2 \\"q\\" ${MAIL_PORT}"
    MULTI="first
    second"
    EMPTY=
    BARE
    HASH=a#b
    EXPANDED=${MAIL_SERVER}:${MAIL_PORT}
    DEFAULTED=${NOPE:-fallback}
    bad line here
    'QKEY'=v
    """

  @Test func parsesLikePythonDotenv() {
    let file = EnvFile(parsing: Self.sample)
    let v = file.resolved(environment: [:])
    #expect(v["MAIL_SERVER"] == "smtp.example.com")
    #expect(v["MAIL_PORT"] == "587")
    #expect(v["MAIL_USE_TLS"] == "True")
    #expect(v["QUOTED_SINGLE"] == "a #not comment 587")
    #expect(v["QUOTED_DOUBLE"] == "line1\nline2 \"q\" 587")
    #expect(v["MULTI"] == "first\nsecond")
    #expect(v["EMPTY"] == "")
    #expect(v["BARE"] == nil)
    #expect(v["HASH"] == "a#b")
    #expect(v["EXPANDED"] == "smtp.example.com:587")
    #expect(v["DEFAULTED"] == "fallback")
    #expect(v["QKEY"] == "v")
    #expect(file.badLines == [14])
  }

  @Test func environmentWinsInExpansion() {
    let v = EnvFile(parsing: "A=file\nB=${A}").resolved(environment: ["A": "env"])
    #expect(v["B"] == "env")
  }

  @Test func matchesPythonDotenvWhenInstalled() throws {
    let probe = try python("import dotenv")
    try #require(probe.status == 0, "python-dotenv is needed: apt-get install python3-dotenv")
    let r = try python(
      """
      import io, json, sys
      from dotenv import dotenv_values
      print(json.dumps(dotenv_values(stream=io.StringIO(sys.stdin.read()))))
      """, stdin: Self.sample)
    #expect(r.status == 0, "\(r.stderr)")
    let theirs = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let ours = EnvFile(parsing: Self.sample).resolved(environment: [:])
    for (k, value) in theirs {
      if let s = value as? String { #expect(ours[k] == s, "\(k)") }
    }
  }

  /// Found by fuzzing (Tests/Fuzz/EnvFileFuzz.swift, input `''`): an empty quoted key made an
  /// entry with an empty name; python-dotenv refuses such a line and goes on.
  @Test func emptyQuotedKeyIsABadLine() {
    let file = EnvFile(parsing: "''\nA=1\n''=x\nB=2")
    #expect(file.entries.allSatisfy { !$0.key.isEmpty })
    #expect(file.badLines == [1, 3])
    #expect(file.resolved(environment: [:]) == ["A": "1", "B": "2"])
  }
}

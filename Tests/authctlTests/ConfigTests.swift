import Foundation
import TestSupport
import Testing

/// Flags over environment over env file over defaults; bad values name the variable and its
/// source (exit 78); secrets print as ****.
@Suite struct ConfigTests {
  func settings(_ r: RunResult) throws -> [String: (value: String?, source: String?)] {
    let rows = try JSONSerialization.jsonObject(with: r.stdoutData) as! [[String: Any]]
    var out: [String: (String?, String?)] = [:]
    for row in rows {
      out[row["name"] as! String] = (row["value"] as? String, row["source"] as? String)
    }
    return out
  }

  @Test func precedenceAndSecrets() throws {
    let dir = try TempDir()
    let env = dir.file("app.env")
    try """
    export MAIL_SERVER="file.example.com"
    MAIL_PORT=2525 # comment
    JWT_SECRET='0123456789abcdef0123456789abcdef'
    AUTHCTL_DB=/from/file.sqlite
    APP_URL=http://127.0.0.1:5000
    """.write(toFile: env, atomically: true, encoding: .utf8)
    let r = try authctl(
      ["--env-file", env, "config", "--format", "json", "--db", "/from/flag.sqlite"],
      environment: ["MAIL_PORT": "587", "MAIL_USE_TLS": "True"])
    #expect(r.status == 0, "\(r.stderr)")
    let s = try settings(r)
    #expect(s["AUTHCTL_DB"]?.value == "/from/flag.sqlite")
    #expect(s["AUTHCTL_DB"]?.source == "flag --db")
    #expect(s["MAIL_PORT"]?.value == "587")
    #expect(s["MAIL_PORT"]?.source == "environment")
    #expect(s["MAIL_SERVER"]?.value == "file.example.com")
    #expect(s["MAIL_SERVER"]?.source == "env file \(env)")
    #expect(s["JWT_SECRET"]?.value == "****")
    #expect(!r.stdout.contains("0123456789abcdef"))
    #expect(s["AUTHCTL_BCRYPT_COST"]?.value == "4")
    #expect(s["AUTHCTL_CONFIRM_TTL"]?.source == "default")
    let text = try authctl(["--env-file", env, "config"])
    #expect(text.stdout.contains("JWT_SECRET"))
    #expect(!text.stdout.contains("0123456789abcdef"))
  }

  @Test func defaultEnvFileInWorkingDirectory() throws {
    let dir = try TempDir()
    try "MAIL_SERVER=dot.example.com\n".write(
      toFile: dir.file(".env"), atomically: true, encoding: .utf8)
    let r = try authctl(["config", "--format", "json"], directory: dir.url)
    #expect(try settings(r)["MAIL_SERVER"]?.value == "dot.example.com")
  }

  @Test func badValuesNameVariableAndSource() throws {
    let dir = try TempDir()
    let env = dir.file("bad.env")
    try "MAIL_USE_SSL=perhaps\n".write(toFile: env, atomically: true, encoding: .utf8)
    let cases: [([String], [String: String], String)] = [
      (
        ["config"], ["MAIL_PORT": "abc"],
        "MAIL_PORT (from environment): 'abc' is not a whole number"
      ),
      (
        ["--env-file", env, "config"], [:],
        "MAIL_USE_SSL (from env file \(env)): 'perhaps' is not a boolean"
      ),
      (["config"], ["AUTHCTL_BCRYPT_COST": "3"], "AUTHCTL_BCRYPT_COST (from environment)"),
      (
        ["config"], ["AUTHCTL_SESSION_TTL": "soon"],
        "AUTHCTL_SESSION_TTL (from environment): 'soon' is not a duration"
      ),
      (["--env-file", dir.file("absent.env"), "config"], [:], "cannot read"),
    ]
    for (args, env, fragment) in cases {
      let r = try authctl(args, environment: env)
      #expect(r.status == 78, "\(args) \(env): \(r.stderr)")
      #expect(r.stderr.contains(fragment), "\(r.stderr)")
    }
    for boolean in ["True", "False", "true", "false", "1", "0", "yes", "no"] {
      #expect(try authctl(["config"], environment: ["MAIL_USE_TLS": boolean]).status == 0)
    }
  }
}

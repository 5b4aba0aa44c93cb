import AuthKit
import Foundation
import TestSupport
import Testing

/// Apache 2.4 with mod_authnz_external in "pipe" mode running `authctl check` (account and
/// password as two lines on stdin), protecting a folder, driven with `curl -u` (issue 14).
/// Apache starts as root from a configuration in the test's folder, on a free port, and runs
/// authctl as `www-data`, a member of the database's group (0660).
@Suite(.serialized, .tags(.slow)) struct ApacheIntegrationTests {
  static let tools = ["apache2", "curl"]
  static let module = "/usr/lib/apache2/modules/mod_authnz_external.so"

  /// The configuration: the few modules needed, and the recipe's lines of docs/INTEGRATIONS.md.
  static func config(_ a: ServiceAccounts, port: Int) -> String {
    let modules = [
      ("mpm_prefork_module", "mod_mpm_prefork.so"), ("authn_core_module", "mod_authn_core.so"),
      ("authz_core_module", "mod_authz_core.so"), ("authz_user_module", "mod_authz_user.so"),
      ("auth_basic_module", "mod_auth_basic.so"),
      ("authnz_external_module", "mod_authnz_external.so"),
    ].map { "LoadModule \($0.0) /usr/lib/apache2/modules/\($0.1)" }.joined(separator: "\n")
    let root = a.dir.path
    return """
      ServerRoot \(root)
      ServerName 127.0.0.1
      Listen 127.0.0.1:\(port)
      PidFile \(root)/run/httpd.pid
      DefaultRuntimeDir \(root)/run
      ErrorLog \(root)/apache-error.log
      LogLevel info
      User www-data
      Group www-data
      StartServers 1
      \(modules)
      DocumentRoot \(root)/www

      DefineExternalAuth authctl pipe "\(a.bin) --db \(a.db) check"
      <Directory \(root)/www/private>
        AuthType Basic
        AuthName "authctl"
        AuthBasicProvider external
        AuthExternal authctl
        Require valid-user
      </Directory>

      """
  }

  @Test(
    .enabled(
      if: ServerTest.runs(tools),
      ServerTest.skipped(tools, packages: "apache2 libapache2-mod-authnz-external curl")))
  func pipeModeGrantsOnlyTheRightPasswordOfAnActiveAccount() throws {
    let apache = try ServerTest.require("apache2", package: "apache2")
    #expect(
      FileManager.default.fileExists(atPath: Self.module),
      "apt-get install libapache2-mod-authnz-external")
    let accounts = try ServiceAccounts(group: "www-data")
    let root = accounts.dir.path
    for folder in ["run", "www/private"] {
      try FileManager.default.createDirectory(
        atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
    }
    try "private page\n".write(
      toFile: "\(root)/www/private/index.html", atomically: true, encoding: .utf8)
    let port = try ServerTest.freePort()
    let conf = accounts.dir.file("httpd.conf")
    try Self.config(accounts, port: port).write(toFile: conf, atomically: true, encoding: .utf8)
    let server = try ServerProcess(
      "apache2", executable: apache, arguments: ["-f", conf, "-DFOREGROUND"], in: accounts.dir,
      logs: [accounts.dir.file("apache-error.log")])
    defer { server.stop() }
    try server.waitForPort(port)
    let url = "http://127.0.0.1:\(port)/private/index.html"
    let status = ServerTest.basicAuth(url)
    let pw = ServiceAccounts.password
    try ServiceAccounts.expectOnlyTheActiveAccount(
      granted: "200", refused: "401", status, log: server.logText)
    #expect(
      try ServerTest.curl(["-u", "\(ServiceAccounts.active):\(pw)", url]).stdout == "private page\n"
    )
    #expect(try status("not an address", pw) == "401")
    // authctl ran as www-data, through the group: the wrong password was counted and audited.
    #expect(try accounts.failedChecks(ServiceAccounts.active) == 1)
    #expect(try accounts.failedChecks(ServiceAccounts.disabled) == 1)
    // A success wrote no audit event and no login (no --record-login in the recipe).
    #expect(
      try accounts.value(
        "SELECT count(*) FROM audit WHERE event = 'check' AND outcome = 'ok'") == "0")
    #expect(
      try accounts.value(
        "SELECT last_login_at FROM users WHERE email = ?1", [.text(ServiceAccounts.active)]) == nil)
  }
}

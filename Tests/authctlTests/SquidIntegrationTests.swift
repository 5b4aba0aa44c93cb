import AuthKit
import Foundation
import TestSupport
import Testing

/// Squid's `basic_auth` helper protocol: `authctl check --batch` as Squid's `auth_param basic
/// program`, one long-running helper answering OK or ERR per request, driven with curl through
/// the proxy to a small origin server (issue 14). Squid starts as root from a configuration in
/// the test's folder and runs the helper as `proxy`, a member of the database's group.
@Suite(.serialized, .tags(.slow)) struct SquidIntegrationTests {
  static let tools = ["squid", "curl"]

  static func config(_ a: ServiceAccounts, port: Int) -> String {
    let root = a.dir.path
    return """
      http_port 127.0.0.1:\(port)
      pid_filename \(root)/squid.pid
      cache_log \(root)/squid-cache.log
      access_log none
      cache deny all
      cache_mem 8 MB
      coredump_dir \(root)
      cache_effective_user proxy
      shutdown_lifetime 0 seconds
      auth_param basic program \(a.bin) --db \(a.db) check --batch
      auth_param basic children 2 startup=1 idle=1 concurrency=0
      auth_param basic realm authctl
      auth_param basic credentialsttl 1 second
      acl authenticated proxy_auth REQUIRED
      http_access allow authenticated
      http_access deny all

      """
  }

  @Test(
    .enabled(if: ServerTest.runs(tools), ServerTest.skipped(tools, packages: "squid curl")))
  func basicAuthHelperThroughTheProxy() throws {
    let squid = try ServerTest.require("squid", package: "squid")
    let accounts = try ServiceAccounts(group: "proxy")
    let root = accounts.dir.path
    try FileManager.default.createDirectory(
      atPath: "\(root)/www", withIntermediateDirectories: true)
    try "origin page\n".write(toFile: "\(root)/www/index.html", atomically: true, encoding: .utf8)
    let originPort = try ServerTest.freePort()
    let origin = try ServerProcess(
      "origin", executable: pythonPath,
      arguments: (pythonPath == "/usr/bin/env" ? ["python3"] : [])
        + [
          "-m", "http.server", "--bind", "127.0.0.1", "--directory", "\(root)/www", "\(originPort)",
        ],
      in: accounts.dir)
    defer { origin.stop() }
    try origin.waitForPort(originPort)
    let port = try ServerTest.freePort()
    let conf = accounts.dir.file("squid.conf")
    try Self.config(accounts, port: port).write(toFile: conf, atomically: true, encoding: .utf8)
    let server = try ServerProcess(
      "squid", executable: squid, arguments: ["-N", "-f", conf], in: accounts.dir,
      logs: [accounts.dir.file("squid-cache.log")])
    defer { server.stop() }
    try server.waitForPort(port)

    let url = "http://127.0.0.1:\(originPort)/index.html"
    let proxy = "http://127.0.0.1:\(port)"
    let status = ServerTest.basicAuth(url, proxy: proxy)
    let pw = ServiceAccounts.password
    try ServiceAccounts.expectOnlyTheActiveAccount(
      granted: "200", refused: "407", status, log: server.logText)
    let page = try ServerTest.curl(["-x", proxy, "-U", "\(ServiceAccounts.active):\(pw)", url])
    #expect(page.stdout == "origin page\n")
    // Squid escapes the password's spaces (%20) and the helper reads them back.
    #expect(try status(ServiceAccounts.spare, pw) == "200")
    #expect(try accounts.failedChecks(ServiceAccounts.active) == 1)
    #expect(try accounts.failedChecks(ServiceAccounts.locked) == 1)
  }
}

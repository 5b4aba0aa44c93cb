import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// nginx `auth_basic` over the file `authctl users export --format htpasswd` writes, driven
/// with `curl -u` (issue 14). nginx checks each line's hash with libc's crypt(3) — libxcrypt
/// on Debian — so the `$2b$` hashes authctl makes are used as they are. nginx starts as root
/// from a configuration in the test's folder and reads the file in its `www-data` workers,
/// through the group the export keeps.
@Suite(.serialized, .tags(.slow)) struct NginxIntegrationTests {
  static let tools = ["nginx", "curl"]

  static func config(root: String, port: Int, htpasswd: String) -> String {
    """
    daemon off;
    master_process on;
    worker_processes 1;
    user www-data www-data;
    pid \(root)/nginx.pid;
    error_log \(root)/nginx-error.log info;
    events { worker_connections 64; }
    http {
      access_log off;
      client_body_temp_path \(root)/tmp/body;
      proxy_temp_path \(root)/tmp/proxy;
      fastcgi_temp_path \(root)/tmp/fastcgi;
      uwsgi_temp_path \(root)/tmp/uwsgi;
      scgi_temp_path \(root)/tmp/scgi;
      server {
        listen 127.0.0.1:\(port);
        root \(root)/www;
        location /private/ {
          auth_basic "authctl";
          auth_basic_user_file \(htpasswd);
        }
      }
    }

    """
  }

  @Test(
    .enabled(if: ServerTest.runs(tools), ServerTest.skipped(tools, packages: "nginx curl")))
  func authBasicOverTheExportedFile() throws {
    let nginx = try ServerTest.require("nginx", package: "nginx")
    let accounts = try ServiceAccounts()
    let root = accounts.dir.path
    for folder in ["tmp", "www/private", "web"] {
      try FileManager.default.createDirectory(
        atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
    }
    try "private page\n".write(
      toFile: "\(root)/www/private/index.html", atomically: true, encoding: .utf8)
    // The file is made once with the web server's group; every export keeps it.
    let htpasswd = "\(root)/web/authctl.htpasswd"
    _ = FileManager.default.createFile(atPath: htpasswd, contents: nil)
    let wwwData = try #require(getgrnam("www-data")).pointee.gr_gid
    #expect(chown(htpasswd, 0, wwwData) == 0)
    try accounts.authctlOK(["users", "export", "--format", "htpasswd", "--output", htpasswd])
    let file = try #require(FileOwner(path: htpasswd))
    #expect(file.mode == 0o640 && file.gid == wwwData && file.uid == 0, "\(file)")
    let lines = try String(contentsOfFile: htpasswd, encoding: .utf8).split(separator: "\n")
    #expect(
      lines.map { String($0.prefix { $0 != ":" }) }.sorted()
        == [ServiceAccounts.active, ServiceAccounts.spare].sorted(),
      "only active accounts: \(lines)")
    #expect(lines.allSatisfy { $0.contains(":$2b$04$") }, "bcrypt $2b$ as stored")

    let port = try ServerTest.freePort()
    let conf = accounts.dir.file("nginx.conf")
    try Self.config(root: root, port: port, htpasswd: htpasswd).write(
      toFile: conf, atomically: true, encoding: .utf8)
    let server = try ServerProcess(
      "nginx", executable: nginx,
      arguments: ["-p", root, "-e", "\(root)/nginx-error.log", "-c", conf],
      in: accounts.dir, logs: [accounts.dir.file("nginx-error.log")])
    defer { server.stop() }
    try server.waitForPort(port)
    let url = "http://127.0.0.1:\(port)/private/index.html"
    let status = ServerTest.basicAuth(url)
    let pw = ServiceAccounts.password
    try ServiceAccounts.expectOnlyTheActiveAccount(
      granted: "200", refused: "401", status, log: server.logText)

    // The trade-off: a disable acts on nginx only at the next export.
    try accounts.authctlOK(["users", "disable", ServiceAccounts.active])
    #expect(try status(ServiceAccounts.active, pw) == "200", "still in the old file")
    try accounts.authctlOK(["users", "export", "--format", "htpasswd", "--output", htpasswd])
    #expect(try status(ServiceAccounts.active, pw) == "401", "gone after the export")
    #expect(try status(ServiceAccounts.spare, pw) == "200")
    #expect(try #require(FileOwner(path: htpasswd)).gid == wwwData, "the group is kept")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: "\(root)/web")
    #expect(leftovers == ["authctl.htpasswd"], "no temporary file is left: \(leftovers)")
  }
}

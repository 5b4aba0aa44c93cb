import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Dovecot 2.3's `checkpassword` passdb running `authctl checkpassword`, driven by
/// `doveadm auth test` and by a real IMAP LOGIN with curl (issue 14). Dovecot starts as root
/// from a configuration in the test's folder, on a free port; its auth process runs authctl
/// as `dovecot` (default_internal_user), a member of the database's group (0660), and
/// authctl runs Dovecot's checkpassword-reply, which hands USER and HOME back to Dovecot.
@Suite(.serialized, .tags(.slow)) struct DovecotIntegrationTests {
  static let tools = ["dovecot", "doveadm", "curl"]

  static func config(_ a: ServiceAccounts, port: Int) -> String {
    let root = a.dir.path
    return """
      base_dir = \(root)/run
      state_dir = \(root)/state
      log_path = \(root)/dovecot.log
      protocols = imap
      listen = 127.0.0.1
      ssl = no
      disable_plaintext_auth = no
      auth_mechanisms = plain login
      auth_failure_delay = 0
      auth_verbose = yes
      default_internal_user = dovecot
      default_login_user = dovenull
      passdb {
        driver = checkpassword
        args = \(a.bin) --db \(a.db) checkpassword --home-base \(root)/home
      }
      userdb {
        driver = static
        args = uid=nobody gid=nogroup home=\(root)/home/%u
      }
      mail_location = maildir:~/Maildir
      service imap-login {
        inet_listener imap {
          address = 127.0.0.1
          port = \(port)
        }
        inet_listener imaps {
          port = 0
        }
      }

      """
  }

  @Test(
    .enabled(
      if: ServerTest.runs(tools),
      ServerTest.skipped(tools, packages: "dovecot-core dovecot-imapd curl")))
  func checkpasswordPassdbForDoveadmAndIMAP() throws {
    let dovecot = try ServerTest.require("dovecot", package: "dovecot-core")
    let doveadm = try ServerTest.require("doveadm", package: "dovecot-core")
    let accounts = try ServiceAccounts(group: "dovecot")
    let root = accounts.dir.path
    try FileManager.default.createDirectory(
      atPath: "\(root)/home", withIntermediateDirectories: true)
    let nobody = try #require(getpwnam("nobody")).pointee
    #expect(chown("\(root)/home", nobody.pw_uid, nobody.pw_gid) == 0)
    let port = try ServerTest.freePort()
    let conf = accounts.dir.file("dovecot.conf")
    try Self.config(accounts, port: port).write(toFile: conf, atomically: true, encoding: .utf8)
    let server = try ServerProcess(
      "dovecot", executable: dovecot, arguments: ["-F", "-c", conf], in: accounts.dir,
      logs: [accounts.dir.file("dovecot.log")])
    defer { server.stop() }
    try server.waitForPort(port)

    // Dovecot delays the answers to an address after its failed logins (auth penalty, up to
    // 15 s): each attempt comes from an address of its own, as from different clients.
    var client = 10
    func nextClient() -> String {
      client += 1
      return "127.0.0.\(client)"
    }
    func authTest(_ user: String, _ password: String) throws -> RunResult {
      try run(doveadm, ["-c", conf, "auth", "test", "-x", "rip=\(nextClient())", user, password])
    }
    func imapLogin(_ user: String, _ password: String) throws -> RunResult {
      try ServerTest.curl([
        "--interface", nextClient(), "-u", "\(user):\(password)", "imap://127.0.0.1:\(port)/",
      ])
    }
    let pw = ServiceAccounts.password
    let right = try authTest(ServiceAccounts.active, pw)
    #expect(right.status == 0, "\(right.stdout)\(right.stderr)\n\(server.logText)")
    #expect(right.stdout.contains("auth succeeded"), "\(right.stdout)")
    #expect(right.stdout.contains("user=\(ServiceAccounts.active)"), "USER came back")
    for (user, password) in [
      (ServiceAccounts.active, ServiceAccounts.wrong), ("nobody@example.com", pw),
      (ServiceAccounts.unconfirmed, pw), (ServiceAccounts.disabled, pw),
      (ServiceAccounts.locked, pw),
    ] {
      let r = try authTest(user, password)
      #expect(r.status != 0 && r.stdout.contains("auth failed"), "\(user): \(r.stdout)")
    }
    // Exit 1 means "unacceptable" to Dovecot: a failed login, not a temporary failure.
    let log = (try? String(contentsOfFile: accounts.dir.file("dovecot.log"), encoding: .utf8)) ?? ""
    #expect(log.contains("Login failed (status=1)"), "\(log)")
    #expect(!log.contains("status=111"), "\(log)")

    // A real IMAP LOGIN: curl logs in and lists the mailboxes.
    let login = try imapLogin(ServiceAccounts.active, pw)
    #expect(login.status == 0, "\(login.stderr)\n\(server.logText)")
    #expect(login.stdout.contains("INBOX"), "\(login.stdout)")
    let refused = try imapLogin(ServiceAccounts.active, ServiceAccounts.wrong)
    #expect(refused.status == 67, "curl: login denied (\(refused.status))")
    let disabled = try imapLogin(ServiceAccounts.disabled, pw)
    #expect(disabled.status == 67, "curl: login denied (\(disabled.status))")
    // The mailbox was made under the home the static userdb gives, as nobody.
    #expect(
      FileManager.default.fileExists(atPath: "\(root)/home/\(ServiceAccounts.active)/Maildir"))
    #expect(try accounts.failedChecks(ServiceAccounts.active) == 2)
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl check --pam` behind Linux-PAM's pam_exec, driven by pamtester (issue 14).
///
/// Linux-PAM reads a service only from /etc/pam.d (an absolute path is not accepted as a
/// service name, and pamtester has no other way to pass one), so each test writes a service
/// file of its own, `/etc/pam.d/authctl-test-<random>`, and removes it when it ends. No other
/// service includes it, so it cannot change how anyone logs in to this machine.
@Suite(.serialized, .tags(.slow)) struct PAMIntegrationTests {
  static let tools = ["pamtester"]

  /// A PAM service file for one test, removed in `deinit`.
  final class PAMService {
    let name: String
    let path: String

    init(_ lines: [String]) throws {
      Self.removeStale()
      name = "authctl-test-\(UUID().uuidString.prefix(8).lowercased())"
      path = "/etc/pam.d/\(name)"
      let text = ([Self.marker] + lines).joined(separator: "\n") + "\n"
      guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
        throw TestSupportError("cannot write \(path)")
      }
      chmod(path, 0o644)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    static let marker = "# written by authctl's PAMIntegrationTests for one test; removed after it"

    /// Removes service files a killed test run left behind (older than an hour, ours only).
    static func removeStale() {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/pam.d")) ?? []
      for n in names where n.hasPrefix("authctl-test-") {
        let p = "/etc/pam.d/\(n)"
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: p),
          let date = attrs[.modificationDate] as? Date, Date().timeIntervalSince(date) > 3600,
          let text = try? String(contentsOfFile: p, encoding: .utf8), text.hasPrefix(marker)
        else { continue }
        try? FileManager.default.removeItem(atPath: p)
      }
    }
  }

  /// The lines docs/INTEGRATIONS.md gives, with this test's paths: authentication by the
  /// password, and the account phase (disabled or locked since) without one.
  static func lines(_ accounts: ServiceAccounts, envFile: String) -> [String] {
    let command = "\(accounts.bin) --db \(accounts.db) --env-file \(envFile) check --pam"
    return [
      "auth     required  pam_exec.so quiet expose_authtok seteuid \(command)",
      "account  required  pam_exec.so quiet seteuid \(command)",
    ]
  }

  /// The accounts, an env file setting a lockout threshold of 3 (root's, 0600: the only way
  /// to give `check --pam` a setting besides its command line), and the service.
  static func setUp() throws -> (ServiceAccounts, PAMService) {
    let accounts = try ServiceAccounts()
    let envFile = accounts.dir.file("authctl.env")
    try "AUTHCTL_LOCKOUT_THRESHOLD=3\n".write(toFile: envFile, atomically: true, encoding: .utf8)
    chmod(envFile, 0o600)
    return (accounts, try PAMService(lines(accounts, envFile: envFile)))
  }

  /// `pamtester SERVICE USER OPERATION`, the password on stdin; true when PAM said yes.
  func pam(
    _ service: PAMService, _ user: String, _ password: String?, _ op: String = "authenticate"
  )
    throws -> Bool
  {
    let r = try run(
      try ServerTest.require("pamtester", package: "pamtester"), [service.name, user, op],
      stdin: password.map { $0 + "\n" } ?? "")
    return r.status == 0
  }

  @Test(
    .enabled(
      if: ServerTest.runs(tools), ServerTest.skipped(tools, packages: "pamtester libpam-modules")))
  func everyLoginRuleThroughPamExec() throws {
    let (accounts, service) = try Self.setUp()
    let pw = ServiceAccounts.password

    #expect(try pam(service, ServiceAccounts.active, pw), "the right password")
    #expect(try !pam(service, ServiceAccounts.active, ServiceAccounts.wrong), "a wrong one")
    #expect(try !pam(service, "nobody@example.com", pw), "an unknown account")
    #expect(try !pam(service, ServiceAccounts.unconfirmed, pw), "unconfirmed")
    #expect(try !pam(service, ServiceAccounts.disabled, pw), "disabled")
    #expect(try !pam(service, ServiceAccounts.locked, pw), "locked")
    // The account phase, without a password (an SSH key login still passes through it).
    #expect(try pam(service, ServiceAccounts.active, nil, "acct_mgmt"))
    #expect(try !pam(service, ServiceAccounts.disabled, nil, "acct_mgmt"))
    #expect(try !pam(service, ServiceAccounts.locked, nil, "acct_mgmt"))
    // Each refusal is audited as a failed check, with its reason.
    #expect(try accounts.failedChecks(ServiceAccounts.disabled) == 2)
    #expect(
      try accounts.value(
        "SELECT reason FROM audit WHERE email = ?1 AND event = 'check' ORDER BY id LIMIT 1",
        [.text(ServiceAccounts.unconfirmed)])?.contains("not confirmed") == true)
  }

  @Test(
    .enabled(
      if: ServerTest.runs(tools), ServerTest.skipped(tools, packages: "pamtester libpam-modules")))
  func lockoutEngagesAfterTheThreshold() throws {
    let (accounts, service) = try Self.setUp()
    let email = ServiceAccounts.spare
    for attempt in 1...3 {
      #expect(try !pam(service, email, ServiceAccounts.wrong), "wrong password \(attempt)")
    }
    #expect(
      try accounts.value("SELECT failed_logins FROM users WHERE email = ?1", [.text(email)]) == "3")
    // Locked now: the right password is refused, and so is the account phase.
    #expect(try !pam(service, email, ServiceAccounts.password))
    #expect(try !pam(service, email, nil, "acct_mgmt"))
    #expect(
      try accounts.value("SELECT locked_until FROM users WHERE email = ?1", [.text(email)]) != nil)
    #expect(
      try accounts.value(
        "SELECT count(*) FROM audit WHERE event = 'lockout' AND email = ?1", [.text(email)]) == "1")
    // The lock ends (moved into the past, as time would): the right password works again.
    try accounts.sql(
      "UPDATE users SET locked_until = '2000-01-01T00:00:00Z' WHERE email = ?1", [.text(email)])
    #expect(try pam(service, email, ServiceAccounts.password))
    #expect(
      try accounts.value("SELECT failed_logins FROM users WHERE email = ?1", [.text(email)]) == "0")
  }
}

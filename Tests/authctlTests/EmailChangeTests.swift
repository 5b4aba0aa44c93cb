import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16's address change through the built binary against a real SMTP server: the token
/// to the new address, the masked notice to the old one, the swap by `confirm`, what dies with
/// the old address, the audit of both, and a taken address refused when asked and again when
/// confirmed — the race in both orders.
@Suite(.serialized, .tags(.slow)) struct EmailChangeTests {
  let server: SMTPTestServer
  let walk: Walk

  init() throws {
    server = try SMTPTestServer()
    walk = try Walk()
    walk.useServer(server)
  }

  /// The newest message the server received for `address`.
  func last(to address: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> SMTPTestServer.ReceivedMessage
  {
    try #require(
      try server.received().last { $0.rcptTos == [address] }, "no mail to \(address)",
      sourceLocation: sourceLocation)
  }

  /// A confirmed account; returns its password.
  func confirmed(_ email: String) throws -> String {
    try walk.run(["register", email])
    let body = try last(to: email).body ?? ""
    let token = try #require(Walk.line("Token", in: body))
    try walk.run(["confirm", "-"], stdin: token + "\n")
    return try #require(walk.remember(Walk.line("Password", in: body)))
  }

  func login(_ email: String, _ password: String) throws {
    try walk.run(["login", email, "--password-stdin"], stdin: password + "\n")
  }

  @Test func theNewAddressConfirmsAndTheOldOneIsWarned() throws {
    let password = try confirmed("ann@example.com")
    try walk.run(["email", "change", "new@example.com", "--password-stdin"], expect: 77)
    try login("ann@example.com", password)
    // A reset mailed to the old address before the change.
    try walk.run(["recover", "ann@example.com"])
    let resetBody = try last(to: "ann@example.com").body ?? ""
    let wrong = try walk.run(
      ["email", "change", "new@example.com", "--password-stdin"], stdin: "not the password\n",
      expect: 77)
    #expect(wrong.stderr.contains("wrong password"))
    #expect(try walk.value("SELECT failed_logins FROM users") == "1", "counted as a failed login")
    let asked = try walk.run(
      ["email", "change", "New@Example.com", "--password-stdin"], stdin: password + "\n")
    #expect(asked.stdout.contains("new@example.com"))
    #expect(try walk.value("SELECT failed_logins FROM users") == "0")
    let notice = try last(to: "ann@example.com")
    #expect(notice.subject == "Your address is being changed")
    let noticeBody = notice.body ?? ""
    #expect(noticeBody.contains("changed to n…@…") && !noticeBody.contains("new@example.com"))
    #expect(noticeBody.contains("authctl recover ann@example.com"))
    let tokenMail = try last(to: "new@example.com")
    #expect(tokenMail.subject == "Confirm your new address")
    let token = try #require(walk.remember(Walk.line("Token", in: tokenMail.body ?? "")))
    #expect(try walk.value("SELECT email FROM users") == "ann@example.com", "pending only")
    let done = try walk.run(["confirm", "-"], stdin: token + "\n")
    #expect(done.stdout.contains("address changed from ann@example.com to new@example.com"))
    #expect(try last(to: "new@example.com").subject == "Your address was changed")
    #expect(try walk.value("SELECT email FROM users") == "new@example.com")
    #expect(try walk.value("SELECT pending_email FROM users") == nil)
    // The old address's session and tokens are dead; the token itself works once.
    #expect(try walk.run(["whoami"], expect: 77).stderr.contains("email changed"))
    try walk.run(["confirm", "-"], stdin: token + "\n", expect: 77)
    let resetToken = try #require(Walk.line("Token", in: resetBody))
    let code = try #require(Walk.line("Code", in: resetBody))
    try walk.run(["reset", "-", "--code", code], stdin: resetToken + "\n", expect: 77)
    try walk.run(
      ["login", "ann@example.com", "--password-stdin"], stdin: password + "\n", expect: 67)
    try login("new@example.com", password)
    // The audit names both addresses.
    let log = try walk.run(["log", "--user", "new@example.com", "--format", "jsonl"]).stdout
    #expect(log.contains("changed from ann@example.com to new@example.com"))
    let requests = try walk.run(["log", "--event", "email.change.request", "--format", "jsonl"])
    #expect(requests.stdout.contains("from ann@example.com to new@example.com, pending"))
    walk.scanPrinted()
  }

  /// Order 1: the change is asked for, then the address is taken, then confirmed: refused
  /// (65), nothing changes. Asking for a taken address is refused at once.
  @Test func anAddressTakenBeforeTheConfirmation() throws {
    let password = try confirmed("bea@example.com")
    _ = try confirmed("cal@example.com")
    try login("bea@example.com", password)
    let taken = try walk.run(
      ["email", "change", "CAL@example.com", "--password-stdin"], stdin: password + "\n",
      expect: 65)
    #expect(taken.stderr.contains("cal@example.com already has an account"))
    try walk.run(
      ["email", "change", "dan@example.com", "--password-stdin"], stdin: password + "\n")
    #expect(try last(to: "bea@example.com").subject == "Your address is being changed")
    let token = try #require(Walk.line("Token", in: try last(to: "dan@example.com").body ?? ""))
    try walk.run(["register", "dan@example.com"])
    let refused = try walk.run(["confirm", "-"], stdin: token + "\n", expect: 65)
    #expect(refused.stderr.contains("dan@example.com already has an account"))
    #expect(try walk.value("SELECT count(*) FROM users WHERE email = 'bea@example.com'") == "1")
    try walk.run(["whoami"])
    #expect(
      try walk.count(
        "SELECT count(*) FROM audit WHERE event = 'email.change' AND outcome = 'failed'")
        == 1)
  }

  /// Order 2: the change is confirmed first; the address is then taken from the account, and
  /// a registration of it finds it taken (65, its new owner warned); a second account that
  /// asked for it too is refused at its confirmation.
  @Test func anAddressTakenAfterTheConfirmation() throws {
    let password = try confirmed("eli@example.com")
    let other = try confirmed("fox@example.com")
    try login("fox@example.com", other)
    try walk.run(["email", "change", "gil@example.com", "--password-stdin"], stdin: other + "\n")
    let foxToken = try #require(Walk.line("Token", in: try last(to: "gil@example.com").body ?? ""))
    try login("eli@example.com", password)
    try walk.run(
      ["email", "change", "gil@example.com", "--password-stdin"], stdin: password + "\n")
    #expect(try last(to: "eli@example.com").subject == "Your address is being changed")
    let eliToken = try #require(Walk.line("Token", in: try last(to: "gil@example.com").body ?? ""))
    try walk.run(["confirm", "-"], stdin: eliToken + "\n")
    let late = try walk.run(["confirm", "-"], stdin: foxToken + "\n", expect: 65)
    #expect(late.stderr.contains("gil@example.com already has an account"))
    #expect(try walk.value("SELECT count(*) FROM users WHERE email = 'fox@example.com'") == "1")
    let again = try walk.run(["register", "gil@example.com"], expect: 65)
    #expect(again.stderr.contains("already has an account"))
    #expect(try last(to: "gil@example.com").subject == "Your account already exists")
  }

  @Test func theOperatorChangesAnAddress() throws {
    _ = try confirmed("hal@example.com")
    let asked = try walk.run(["users", "set-email", "hal@example.com", "ivy@example.com"])
    #expect(asked.stdout.contains("when it is confirmed"))
    let notice = try last(to: "hal@example.com")
    #expect(notice.subject == "Your address is being changed")
    #expect((notice.body ?? "").contains("i…@…") && (notice.body ?? "").contains("by an operator"))
    _ = try confirmed("joe@example.com")
    try walk.run(
      ["users", "set-email", "hal@example.com", "joe@example.com", "--no-confirm"], expect: 65)
    try walk.run(["users", "set-email", "hal@example.com", "hal@example.com"], expect: 65)
    try walk.run(["users", "set-email", "nobody@example.com", "x@example.com"], expect: 67)
    let now = try walk.run([
      "users", "set-email", "hal@example.com", "kit@example.com", "--no-confirm",
    ])
    #expect(now.stdout.contains("address changed to kit@example.com"))
    #expect(try last(to: "hal@example.com").subject == "Your address was changed")
    #expect((try last(to: "hal@example.com").body ?? "").contains("k…@…"))
    #expect(try last(to: "kit@example.com").subject == "Your address was changed")
    // The pending change to ivy died with the address it was asked from.
    let ivy = try #require(Walk.line("Token", in: try last(to: "ivy@example.com").body ?? ""))
    try walk.run(["confirm", "-"], stdin: ivy + "\n", expect: 77)
    #expect(
      try walk.run(["log", "--event", "admin.set-email", "--format", "jsonl"]).stdout
        .contains("changed from hal@example.com to kit@example.com without confirmation"))
  }
}

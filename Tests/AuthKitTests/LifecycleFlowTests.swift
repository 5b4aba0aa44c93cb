import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 16's capabilities as flows over a temporary database, at a time the test moves
/// (`TestTime`): validity windows, a required password change, the address change and its
/// races, breached passwords in every flow that takes a chosen one, the hashes apps hold, and
/// the original app's rows.
@Suite struct LifecycleFlowTests {
  static let password = "flow passphrase number one"

  @Test func theValidityWindowFollowsTheClock() throws {
    let h = try FlowHarness()
    let t0 = h.time.now
    try h.confirmed("ann@example.com", Self.password)
    let admin = Admin(store: h.store, clock: h.time.clock)
    #expect(try admin.expire("ann@example.com", at: t0 + 100) == nil)
    // A session ends with the window: its expiry is the account's, not 12 hours away.
    let login = try h.login("ann@example.com", Self.password)
    #expect(login.expiresAt == Timestamp.format(t0 + 100))
    h.time.advance(99)
    #expect(try CurrentSession.load(h.ctx, file: h.session()).status == .active)
    h.time.advance(1)
    let whoami = h.flowError { _ = try CurrentSession.load(h.ctx, file: h.session()) }
    #expect(whoami?.message.hasPrefix("not logged in: account expired") == true, "\(whoami!)")
    let refused = h.flowError { try h.login("ann@example.com", Self.password) }
    #expect(
      refused == .refused(refused?.message ?? "") && refused!.message.contains("account expired"))
    // A wrong password says only that: the window is told to whoever proved the password.
    let wrong = h.flowError { try h.login("ann@example.com", "not the password at all") }
    #expect(wrong?.message == "wrong password")
    let recover = h.flowError { _ = try Recover(h.ctx).run("ann@example.com") }
    #expect(recover?.message.contains("account expired") == true)
    #expect(try h.account("ann@example.com")?.status(now: h.time.now) == .expired)
    // Cleared: allowed again; a start in the future shuts it until then.
    #expect(try admin.expire("ann@example.com", at: nil) == nil)
    try h.login("ann@example.com", Self.password)
    #expect(try admin.validFrom("ann@example.com", at: h.time.now + 3600) == nil)
    let early = h.flowError { _ = try CurrentSession.load(h.ctx, file: h.session()) }
    #expect(early?.message.contains("ended (account not yet valid)") == true, "\(early!)")
    let notYet = h.flowError { try h.login("ann@example.com", Self.password) }
    #expect(notYet?.message.contains("account not yet valid") == true)
    #expect(try h.account("ann@example.com")?.status(now: h.time.now) == .notYetValid)
    h.time.advance(3600)
    try h.login("ann@example.com", Self.password)
    #expect(try admin.expire("ann@example.com", at: h.time.now + 10) == nil)
    #expect(
      try admin.expire("ann@example.com", at: h.time.now + 10)
        == "already expires at \(Timestamp.format(h.time.now + 10))")
    let listed = try h.store.read { tx -> [String] in
      let c = try tx.listAccounts(AccountFilter(status: .expired), now: h.time.now + 10)
      var emails: [String] = []
      while try c.next() { emails.append(c.withText(1) { String(decoding: $0, as: UTF8.self) }) }
      return emails
    }
    #expect(listed == ["ann@example.com"])
  }

  @Test func aRequiredResetIsMailedAtTheNextLoginAndClearedByTheReset() throws {
    let h = try FlowHarness()
    try h.confirmed("bob@example.com", Self.password)
    try h.confirmed("cy@example.com", Self.password)
    try h.login("bob@example.com", Self.password)
    let admin = Admin(store: h.store, clock: h.time.clock)
    #expect(try admin.requireReset("bob@example.com", reason: "the May leak") == nil)
    #expect(throws: FlowError.self, "its session ended") {
      try CurrentSession.load(h.ctx, file: h.session())
    }
    let before = try h.mails().count
    let wrong = h.flowError { try h.login("bob@example.com", "not the password at all") }
    #expect(wrong?.message == "wrong password")
    #expect(try h.mails().count == before, "no mail for a wrong password")
    do {
      try h.login("bob@example.com", Self.password)
      Issue.record("a login with a required reset went through")
    } catch let required as PasswordChangeRequired {
      #expect(required.refusal.message.hasPrefix("password change required (the May leak)"))
      #expect(required.refusal.message.contains("authctl reset"))
      #expect(required.delivery.delivered.count == 1)
    }
    let mail = try h.lastMail(to: "bob@example.com")
    #expect(mail.subject == "Reset your password")
    let token = try #require(FlowHarness.line("Token", mail))
    let code = try #require(FlowHarness.line("Code", mail))
    #expect(try h.account("bob@example.com")?.status(now: h.time.now) == .mustReset)
    #expect(try h.account("bob@example.com")?.failedLogins == 0, "the right password settled")
    let fresh = "a new flow passphrase two"
    _ = try Reset(h.ctx).run(token, code: code, chosenPassword: fresh)
    let after = try #require(try h.account("bob@example.com"))
    #expect(after.mustResetAt == nil && after.mustResetReason == nil)
    try h.login("bob@example.com", fresh)
    // --all marks the others and ends every session.
    let (marked, ended) = try admin.requireResetAll(reason: nil)
    #expect(marked == 2 && ended == 1)
    #expect(throws: PasswordChangeRequired.self) { try h.login("cy@example.com", Self.password) }
    #expect(throws: FlowError.self, "a reason with a line break") {
      try admin.requireReset("cy@example.com", reason: "a\nb")
    }
  }

  @Test func anAddressChangeIsConfirmedFromTheNewMailbox() throws {
    let h = try FlowHarness()
    let old = try h.confirmed("dee@example.com", Self.password)
    try h.login("dee@example.com", Self.password)
    // A reset token mailed to the old address before the change.
    _ = try Recover(h.ctx).run("dee@example.com")
    let resetMail = try h.lastMail(to: "dee@example.com")
    let flow = EmailChange(h.ctx)
    let wrong = h.flowError {
      _ = try flow.request(file: h.session(), newEmail: "x@example.com", password: "wrong one!")
    }
    #expect(wrong?.message == "wrong password")
    #expect(try h.account("dee@example.com")?.failedLogins == 1, "counted as a failed login")
    let asked = try flow.request(
      file: h.session(), newEmail: " New.Dee@Example.com ", password: Self.password)
    #expect(asked.newEmail == "new.dee@example.com" && !asked.changed)
    #expect(try h.account("dee@example.com")?.pendingEmail == "new.dee@example.com")
    let notice = try h.lastMail(to: "dee@example.com")
    #expect(notice.subject == "Your address is being changed")
    #expect(notice.body.contains("changed to n…@…") && !notice.body.contains("new.dee"))
    let tokenMail = try h.lastMail(to: "new.dee@example.com")
    let token = try #require(FlowHarness.line("Token", tokenMail))
    let done = try Confirm(h.ctx).run(token)
    #expect(done.previousEmail == "dee@example.com" && done.account.email == "new.dee@example.com")
    #expect(done.account.id == old.id && done.account.pendingEmail == nil)
    #expect(try h.account("dee@example.com") == nil)
    #expect(throws: FlowError.self, "the session ended") {
      try CurrentSession.load(h.ctx, file: h.session())
    }
    #expect(throws: FlowError.self, "the token works once") { try Confirm(h.ctx).run(token) }
    let resetToken = try #require(FlowHarness.line("Token", resetMail))
    let resetCode = try #require(FlowHarness.line("Code", resetMail))
    #expect(throws: FlowError.self, "the old address's reset token died") {
      try Reset(h.ctx).run(resetToken, code: resetCode, chosenPassword: nil)
    }
    try h.login("new.dee@example.com", Self.password)
    let audit = try h.store.read { tx -> [String] in
      var f = AuditFilter()
      f.event = "email.change"
      let c = try tx.auditEvents(f)
      var details: [String] = []
      while try c.next() { details.append(c.withText(6) { String(decoding: $0, as: UTF8.self) }) }
      return details
    }
    #expect(audit.first == "changed from dee@example.com to new.dee@example.com")
    #expect(audit.count == 2, "the change, then the reused token's refusal")
  }

  @Test func anAddressTakenMeanwhileIsRefusedInBothOrders() throws {
    let h = try FlowHarness()
    try h.confirmed("eve@example.com", Self.password)
    try h.confirmed("fay@example.com", Self.password)
    try h.login("eve@example.com", Self.password, session: "eve")
    try h.login("fay@example.com", Self.password, session: "fay")
    let flow = EmailChange(h.ctx)
    // Taken already: refused when asked.
    let taken = h.flowError {
      _ = try flow.request(
        file: h.session("eve"), newEmail: "fay@example.com", password: Self.password)
    }
    #expect(
      taken == .invalidInput(taken?.message ?? "")
        && taken!.message.contains("already has an account"))
    // Order 1: asked, then taken by a registration, then confirmed → refused, nothing changed.
    _ = try flow.request(
      file: h.session("eve"), newEmail: "gus@example.com", password: Self.password)
    let eveToken = try #require(FlowHarness.line("Token", try h.lastMail(to: "gus@example.com")))
    #expect(try Register(h.ctx).run("gus@example.com", chosenPassword: nil).outcome == .created)
    let late = h.flowError { _ = try Confirm(h.ctx).run(eveToken) }
    #expect(late == .invalidInput(late?.message ?? ""), "65: \(String(describing: late))")
    #expect(try h.account("eve@example.com")?.pendingEmail == "gus@example.com")
    // Order 2: two accounts ask for one address; the first confirmation wins, the second is
    // refused; and a registration after the change finds the address taken.
    _ = try flow.request(
      file: h.session("eve"), newEmail: "hal@example.com", password: Self.password)
    let first = try #require(FlowHarness.line("Token", try h.lastMail(to: "hal@example.com")))
    _ = try flow.request(
      file: h.session("fay"), newEmail: "hal@example.com", password: Self.password)
    let second = try #require(FlowHarness.line("Token", try h.lastMail(to: "hal@example.com")))
    #expect(throws: FlowError.self, "eve's earlier token died with her newer request") {
      try Confirm(h.ctx).run(eveToken)
    }
    #expect(try Confirm(h.ctx).run(first).account.email == "hal@example.com")
    let lost = h.flowError { _ = try Confirm(h.ctx).run(second) }
    #expect(lost == .invalidInput(lost?.message ?? ""))
    #expect(try h.account("fay@example.com") != nil, "fay keeps her address")
    #expect(try Register(h.ctx).run("hal@example.com", chosenPassword: nil).outcome == .exists)
  }

  @Test func theChangeTokenExpiresAndTheOperatorMayChangeAtOnce() throws {
    let h = try FlowHarness()
    try h.confirmed("ida@example.com", Self.password)
    let flow = EmailChange(h.ctx)
    let asked = try flow.set("ida@example.com", newEmail: "ida2@example.com", confirm: true)
    #expect(!asked.changed)
    let token = try #require(FlowHarness.line("Token", try h.lastMail(to: "ida2@example.com")))
    h.time.advance(32 * 60)  // past the 30 minutes and the 60 s of leeway
    let expired = h.flowError { _ = try Confirm(h.ctx).run(token) }
    #expect(expired?.message.hasPrefix("token expired") == true)
    let now = try flow.set("ida@example.com", newEmail: "ida3@example.com", confirm: false)
    #expect(now.changed && now.account.email == "ida3@example.com")
    #expect(try h.lastMail(to: "ida@example.com").subject == "Your address was changed")
    #expect(try h.lastMail(to: "ida3@example.com").subject == "Your address was changed")
  }

  @Test func aBreachedPasswordIsRefusedWhereverOneIsChosen() throws {
    let breached = "correct horse battery staple"
    let hex = try python(
      "import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest().upper())",
      [breached]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let dir = try TempDir()
    let corpus = dir.file("pwned.txt")
    try "0000000000000000000000000000000000000001:1\r\n\(hex):3\r\n".write(
      toFile: corpus, atomically: true, encoding: .utf8)
    let h = try FlowHarness(env: ["AUTHCTL_BREACHED_FILE": corpus])
    #expect(throws: PasswordRejection.breached) {
      try Register(h.ctx).run("jo@example.com", chosenPassword: breached)
    }
    try h.confirmed("jo@example.com", Self.password)
    #expect(throws: PasswordRejection.breached) {
      try AdminAccount(h.ctx).setPassword("jo@example.com", chosen: breached)
    }
    _ = try Recover(h.ctx).run("jo@example.com")
    let mail = try h.lastMail(to: "jo@example.com")
    #expect(throws: PasswordRejection.breached) {
      try Reset(h.ctx).run(
        FlowHarness.line("Token", mail)!, code: FlowHarness.line("Code", mail)!,
        chosenPassword: breached)
    }
    try h.login("jo@example.com", Self.password)
    _ = try ChangePassword(h.ctx).request(file: h.session(), currentPassword: Self.password)
    let code = try #require(FlowHarness.line("Code", try h.lastMail(to: "jo@example.com")))
    #expect(throws: PasswordRejection.breached) {
      try ChangePassword(h.ctx).commit(file: h.session(), code: code, newPassword: breached)
    }
    // Generated passwords are never looked up, and a fresh chosen one passes.
    _ = try AdminAccount(h.ctx).setPassword("jo@example.com", chosen: nil)
    _ = try AdminAccount(h.ctx).setPassword("jo@example.com", chosen: "an unbreached passphrase 9")
  }

  @Test func anAppsHashIsRehashedToBcryptAtTheFirstLogin() throws {
    let h = try FlowHarness()
    let werkzeug = try python(
      """
      import hashlib, sys
      dk = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), b"saltsalt", 1000)
      print("pbkdf2:sha256:1000$saltsalt$" + dk.hex())
      """, [Self.password]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let result = try Import(
      store: h.store, clock: h.time.clock, observer: SilentObserver(),
      newIDs: { try Random.uuid4s($0) }
    )
    .run(
      Array(
        "email,password_hash,activated_at,created_at\nkim@example.com,\(werkzeug),2021-01-01,\n"
          .utf8),
      format: .csv, skipExisting: false)
    #expect(result.imported == 1)
    #expect(try h.account("kim@example.com")?.activatedAt == "2021-01-01T00:00:00+00:00")
    let login = try h.login("kim@example.com", Self.password)
    #expect(login.rehashed)
    #expect(try h.account("kim@example.com")?.passwordHash?.hasPrefix("$2b$04$") == true)
    try h.login("kim@example.com", Self.password)
  }

  @Test func theOriginalAppsRowsAreDatedAndABlankActivationIsUnconfirmed() throws {
    let h = try FlowHarness(start: Clock.system.now())
    let c = h.store.connection
    // As the original app inserts: its four columns only.
    try c.run(
      "INSERT INTO users (id, email, password, activated_at) VALUES ('o1', 'orig@example.com', NULL, '')"
    )
    try c.run(
      "INSERT INTO users (id, email, password, activated_at) VALUES ('o2', 'ws@example.com', NULL, '2021-06-10T14:23:11.5')"
    )
    try c.run("UPDATE users SET activated_at = ' \t' WHERE id = 'o2'")
    for id in ["o1", "o2"] {
      let a = try #require(try h.store.read { try $0.account(id: id) })
      #expect(a.createdAt != nil, "the trigger dated \(id)")
      #expect(a.activatedAt == nil && a.status(now: h.time.now) == .unconfirmed)
    }
    #expect(
      try c.first("SELECT count(*) FROM users WHERE activated_at IS NOT NULL") { $0.int(0) } == 0)
    let purge = Purge(store: h.store, clock: h.time.clock, observer: SilentObserver())
    #expect(try purge.run(olderThan: 7 * 86400, dryRun: true, listEmails: true).removed == 0)
    h.time.advance(8 * 86400)
    let gone = try purge.run(olderThan: 7 * 86400, dryRun: false, listEmails: true)
    #expect(gone.emails.sorted() == ["orig@example.com", "ws@example.com"])
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// Issue 16's account lifecycle, by moving the clock: the validity window (login, sessions,
  /// recovery), a required password change mailed at login and cleared by the reset, breached
  /// passwords in every flow that takes a chosen one, an app's hash rehashed at the first
  /// login, and the original app's rows (dated by a trigger, a blank activation unconfirmed).
  @Suite struct LifecycleFlow {
    static let hour = Duration.seconds(3600)

    @Test func theValidityWindowFollowsTheClock() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let t0 = w.clock.now
      #expect(try Admin(w.ctx).expire("me@example.com", at: t0 + .seconds(100)) == nil)
      // A session ends with the window: its expiry is the account's, not 12 hours away.
      let login = try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(login.expiresAt == t0 + .seconds(100))
      w.clock.advance(by: .seconds(99))
      #expect(try CurrentSession.load(w.ctx, file: w.file).status == .active)
      w.clock.advance(by: .seconds(1))
      expectRefused("not logged in: account expired") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
      expectRefused("account expired") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      // A wrong password says only that: the window is told to whoever proved the password.
      expectRefused("wrong password") {
        try Login(w.ctx).run("me@example.com", password: "not the password", file: w.file)
      }
      expectRefused("account expired") { try Recover(w.ctx).run("me@example.com") }
      #expect(try w.account().status(now: w.clock.now) == .expired)
      #expect(try w.failures("login").last?.contains("account expired") == false)
      #expect(try w.failures("login").first?.contains("account expired") == true)
      // Cleared: allowed again; a start in the future shuts it until then.
      #expect(try Admin(w.ctx).expire("me@example.com", at: nil) == nil)
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(try Admin(w.ctx).validFrom("me@example.com", at: w.clock.now + Self.hour) == nil)
      expectRefused("ended (account not yet valid)") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
      expectRefused("account not yet valid") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(try w.account().status(now: w.clock.now) == .notYetValid)
      w.clock.advance(by: Self.hour)
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      let end = w.clock.now + .seconds(10)
      #expect(try Admin(w.ctx).expire("me@example.com", at: end) == nil)
      #expect(try Admin(w.ctx).expire("me@example.com", at: end) == "already expires at \(end)")
      let listed = try w.store.read { tx -> [String] in
        let c = try tx.listAccounts(AccountFilter(status: .expired), now: end)
        var emails: [String] = []
        while try c.next() { emails.append(c.withText(1) { String(decoding: $0, as: UTF8.self) }) }
        return emails
      }
      #expect(listed == ["me@example.com"])
    }

    @Test func aRequiredResetIsMailedAtTheNextLoginAndClearedByTheReset() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      try w.confirmedAccount("cy@example.com")
      #expect(try Admin(w.ctx).requireReset("me@example.com", reason: "the May leak") == nil)
      expectRefused("password change required") {
        _ = try CurrentSession.load(w.ctx, file: w.file)
      }
      let before = try w.mails().count
      expectRefused("wrong password") {
        try Login(w.ctx).run("me@example.com", password: "not the password", file: w.file)
      }
      #expect(try w.mails().count == before, "no mail for a wrong password")
      expectRefused("password change required (the May leak) for me@example.com") {
        try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(try w.lastMail().subject == "Reset your password")
      #expect(w.reports.last?.delivered.count == 1, "the CLI hears where the reset went")
      #expect(try w.failures("login").last?.contains("authctl reset") == true, "recorded")
      #expect(try w.account().status(now: w.clock.now) == .mustReset)
      #expect(try w.account().failedLogins == 0, "the right password settled")
      let fresh = "a new flow passphrase two"
      try Reset(w.ctx).run(
        try w.mailed("Token"), code: try w.mailed("Code"), chosenPassword: fresh)
      #expect(try w.account().mustResetAt == nil && w.account().mustResetReason == nil)
      try Login(w.ctx).run("me@example.com", password: fresh, file: w.file)
      // --all marks the others and ends every session.
      let (marked, ended) = try Admin(w.ctx).requireResetAll(reason: nil)
      #expect(marked == 2 && ended == 1)
      expectRefused("password change required") {
        try Login(w.ctx).run("cy@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(throws: FlowError.self, "a reason with a line break") {
        try Admin(w.ctx).requireReset("cy@example.com", reason: "a\nb")
      }
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
      let w = try FlowWorld(["AUTHCTL_BREACHED_FILE": corpus])
      #expect(throws: PasswordRejection.breached) {
        try Register(w.ctx).run("jo@example.com", chosenPassword: breached)
      }
      try w.loggedIn()
      #expect(throws: PasswordRejection.breached) {
        try Admin(w.ctx).setPassword("me@example.com", chosen: breached)
      }
      let (token, code) = try w.recover()
      #expect(throws: PasswordRejection.breached) {
        try Reset(w.ctx).run(token, code: code, chosenPassword: breached)
      }
      try ChangePassword(w.ctx).request(file: w.file, currentPassword: FlowWorld.password)
      let passwdCode = try w.mailed("Code")
      #expect(throws: PasswordRejection.breached) {
        try ChangePassword(w.ctx).commit(file: w.file, code: passwdCode, newPassword: breached)
      }
      // Generated passwords are never looked up, and a fresh chosen one passes.
      try Admin(w.ctx).setPassword("me@example.com", chosen: nil)
      try Admin(w.ctx).setPassword("me@example.com", chosen: "an unbreached passphrase 9")
    }

    @Test func anAppsHashIsRehashedToBcryptAtTheFirstLogin() throws {
      let w = try FlowWorld()
      let werkzeug = try python(
        """
        import hashlib, sys
        dk = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), b"saltsalt", 1000)
        print("pbkdf2:sha256:1000$saltsalt$" + dk.hex())
        """, [FlowWorld.password]
      ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      let csv =
        "email,password_hash,activated_at,created_at\nkim@example.com,\(werkzeug),2021-01-01,\n"
      #expect(
        try Import(w.ctx).run(Array(csv.utf8), format: .csv, skipExisting: false).imported == 1)
      #expect(try w.account("kim@example.com").activatedAt == Timestamp.instant("2021-01-01"))
      let login = try Login(w.ctx).run(
        "kim@example.com", password: FlowWorld.password, file: w.file)
      #expect(login.rehashed)
      #expect(try w.account("kim@example.com").passwordHash?.hasPrefix("$2b$04$") == true)
      try Login(w.ctx).run("kim@example.com", password: FlowWorld.password, file: w.file)
    }

    @Test func theOriginalAppsRowsAreDatedAndABlankActivationIsUnconfirmed() throws {
      let w = try FlowWorld()
      // As the original app inserts: its four columns only (on either store).
      try w.execute(
        "INSERT INTO users (id, email, password, activated_at) VALUES ('o1', 'orig@example.com', NULL, '')"
      )
      try w.execute(
        "INSERT INTO users (id, email, password, activated_at) VALUES ('o2', 'ws@example.com', NULL, '2021-06-10T14:23:11.5')"
      )
      try w.execute("UPDATE users SET activated_at = ' \t' WHERE id = 'o2'")
      for email in ["orig@example.com", "ws@example.com"] {
        let a = try w.account(email)
        #expect(a.createdAt != nil, "the trigger dated \(email)")
        #expect(a.activatedAt == nil && a.status(now: w.clock.now) == .unconfirmed)
      }
      #expect(try w.integer("SELECT count(*) FROM users WHERE activated_at IS NOT NULL") == 0)
      // The trigger dates by the real clock: move the test's a week past it.
      let real = Clock.system.now()
      w.clock.advance(by: real - w.clock.now)
      let purge = Purge(w.ctx)
      #expect(
        try purge.run(olderThan: .seconds(7 * 86400), dryRun: true, listEmails: true).removed == 0)
      w.clock.advance(by: .seconds(8 * 86400))
      let gone = try purge.run(olderThan: .seconds(7 * 86400), dryRun: false, listEmails: true)
      #expect(gone.emails.sorted() == ["orig@example.com", "ws@example.com"])
    }
  }
}

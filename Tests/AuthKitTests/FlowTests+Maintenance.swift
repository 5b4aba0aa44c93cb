import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// The operator's cron jobs and the import, by the clock: `Purge` of unconfirmed accounts,
  /// `SessionPrune` of ended sessions, and `Import`'s times.
  @Suite struct MaintenanceFlow {
    /// Only unconfirmed accounts created more than `olderThan` ago go; a confirmed one never.
    @Test func purgeByAge() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("old@example.com", chosenPassword: nil)
      try w.confirmedAccount("kept@example.com")
      w.clock.advance(by: .seconds(2 * 86_400))
      try Register(w.ctx).run("new@example.com", chosenPassword: nil)
      w.clock.advance(by: .seconds(86_400))
      let purge = Purge(w.ctx)
      let dry = try purge.run(olderThan: .seconds(2 * 86_400), dryRun: true, listEmails: false)
      #expect(dry.emails == ["old@example.com"] && dry.removed == 1)
      #expect(try w.store.read { try $0.account(email: "old@example.com") } != nil)
      let done = try purge.run(olderThan: .seconds(2 * 86_400), dryRun: false, listEmails: true)
      #expect(done.removed == 1 && done.emails == ["old@example.com"])
      #expect(try w.store.read { try $0.account(email: "old@example.com") } == nil)
      w.clock.advance(by: .seconds(30 * 86_400))
      #expect(
        try purge.run(olderThan: .seconds(60), dryRun: false, listEmails: true).emails
          == ["new@example.com"])
      #expect(try w.store.read { try $0.account(email: "kept@example.com") } != nil)
      #expect(try w.audit("admin.purge").count == 2, "a dry run records nothing")
    }

    /// Rows of sessions that ended more than `olderThan` ago go; live ones and recently ended
    /// ones stay.
    @Test func sessionPruneByAge() throws {
      let w = try FlowWorld(["AUTHCTL_SESSION_TTL": "1h"])
      try w.loggedIn()
      _ = try Logout(w.ctx).run(file: w.file, all: false)
      w.clock.advance(by: .seconds(600))
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      let prune = SessionPrune(w.ctx)
      #expect(try prune.run(olderThan: .seconds(3600), dryRun: true).removed == 0)
      w.clock.advance(by: .seconds(3600))
      let dry = try prune.run(olderThan: .seconds(3600), dryRun: true)
      #expect(dry.removed == 1 && dry.cutoff == w.clock.now - .seconds(3600))
      let done = try prune.run(olderThan: .seconds(3600), dryRun: false)
      #expect(done.removed == 1)
      // The second session expired just now: kept for an hour, then gone.
      #expect(try prune.run(olderThan: .seconds(3600), dryRun: false).removed == 0)
      w.clock.advance(by: .seconds(3601))
      #expect(try prune.run(olderThan: .seconds(3600), dryRun: false).removed == 1)
      #expect(try w.audit("admin.sessions-prune").count == 3)
    }

    /// Imported times are read in any ISO 8601 form and kept as instants; a missing
    /// `created_at` is the clock's time; a bad one is a line's problem and nothing is written.
    @Test func importTimes() throws {
      let w = try FlowWorld()
      let csv = """
        email,password_hash,activated_at,created_at
        a@example.com,,2021-06-10T12:34:56.123456,2020-01-01
        b@example.com,,,2024-01-02T05:04:05+02:00

        """
      let r = try Import(w.ctx).run(Array(csv.utf8), format: .csv, skipExisting: false)
      #expect(r.imported == 2)
      let a = try w.account("a@example.com")
      #expect(a.activatedAt == Timestamp.instant("2021-06-10T12:34:56Z"))
      #expect(a.createdAt == Timestamp.instant("2020-01-01T00:00:00Z"))
      #expect(a.updatedAt == w.clock.now)
      #expect(try w.account("b@example.com").createdAt == Timestamp.instant("2024-01-02T03:04:05Z"))
      let bad = "email,password_hash,activated_at,created_at\nc@example.com,,yesterday,\n"
      #expect(throws: FlowError.self) {
        try Import(w.ctx).run(Array(bad.utf8), format: .csv, skipExisting: false)
      }
      #expect(try w.store.read { try $0.account(email: "c@example.com") } == nil)
      #expect(try w.audit("admin.import").map(\.ok) == [true], "bad rows are bad input")
    }
  }
}

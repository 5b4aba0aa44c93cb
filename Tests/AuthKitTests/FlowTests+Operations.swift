import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// Issue 17's flows by the clock: `Prune` by retention, `Erasure`, `PersonalData` and
  /// `Stats`.
  @Suite struct OperationsFlow {
    /// Audit events past their retention go, in batches, and one `admin.prune` says so; a dry
    /// run counts and removes nothing.
    @Test func pruneByRetention() throws {
      let w = try FlowWorld()
      try w.confirmedAccount()
      let oldEvents = try w.audit().count
      w.clock.advance(by: .seconds(10 * 86_400))
      _ = try? Login(w.ctx).run("me@example.com", password: "wrong one 123", file: w.file)
      let retention = Retention(
        audit: .seconds(5 * 86_400), outbox: .seconds(5 * 86_400), sessions: .seconds(86_400))
      let prune = Prune(w.ctx, retention: retention)
      let dry = try prune.run(dryRun: true)
      #expect(dry.counts.first { $0.table == "audit" }?.removed == oldEvents)
      #expect(dry.counts.first { $0.table == "outbox" }?.removed == 2, "the two sent mails")
      #expect(try w.audit().count == oldEvents + 1, "a dry run removes nothing")
      let done = try prune.run(dryRun: false)
      #expect(done.counts.first { $0.table == "audit" }?.removed == oldEvents)
      #expect(done.batches >= 3 && done.longestBatch < .seconds(1))
      let left = try w.audit().map(\.event)
      #expect(left == ["login", "admin.prune"], "\(left)")
      #expect(try prune.run(dryRun: false).counts.allSatisfy { $0.removed == 0 })
    }

    /// The account goes; its events stay under the pseudonym of its id and the key; the
    /// erasure is recorded without the address.
    @Test func forgetPseudonymises() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      _ = try? Login(w.ctx).run("me@example.com", password: "wrong one 123", file: w.file)
      try Register(w.ctx).run("other@example.com", chosenPassword: nil)
      let r = try Erasure(w.ctx).forget("ME@example.com")
      let pseudonym = Erasure.pseudonym(userID: a.id, key: try w.ctx.keys.erasureKey)
      #expect(r.pseudonym == pseudonym && r.email == "me@example.com" && r.complete)
      #expect(try w.store.read { try $0.account(email: "me@example.com") } == nil)
      let events = try w.store.read { tx -> [(String?, String?, String)] in
        let c = try tx.auditEvents(AuditFilter())
        var rows: [(String?, String?, String)] = []
        while try c.next() {
          func text(_ i: Int) -> String? {
            c.isNull(i) ? nil : c.withText(i) { String(decoding: $0, as: UTF8.self) }
          }
          rows.append((text(3), text(2), text(1) ?? ""))
        }
        return rows
      }
      #expect(!events.contains { $0.1 == "me@example.com" || $0.0 == a.id }, "\(events)")
      #expect(events.filter { $0.0 == pseudonym }.count == r.auditEvents + 1)
      #expect(events.contains { $0.2 == "admin.forget" && $0.0 == pseudonym && $0.1 == nil })
      #expect(events.contains { $0.1 == "other@example.com" }, "others stay")
      #expect(throws: FlowError.self) { try Erasure(w.ctx).forget("me@example.com") }
    }

    /// The access report: the account, its session, its mail without bodies, its events.
    @Test func personalDataReport() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let r = try PersonalData(w.ctx).report("me@example.com", withLog: true)
      #expect(r.account.account.email == "me@example.com" && r.sessions.count == 1)
      #expect(!r.messages.isEmpty && r.messages.allSatisfy { $0.body == nil })
      let kinds = Set((r.events ?? []).map(\.event))
      #expect(kinds.isSuperset(of: ["register", "confirm", "login"]), "\(kinds)")
      #expect(try PersonalData(w.ctx).report("me@example.com", withLog: false).events == nil)
    }

    /// The windows move with the clock: an hour's logins leave the hour, then the day.
    @Test func statsWindows() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let now = try Stats(w.ctx).run(purgeAge: .seconds(7 * 86_400))
      #expect(now.accounts.active == 1 && now.accounts.total == 1)
      #expect(now.windows[0].counts["login"]?.ok == 1 && now.windows[1].counts["login"]?.ok == 1)
      w.clock.advance(by: .seconds(2 * 3600))
      let later = try Stats(w.ctx).run(purgeAge: .seconds(7 * 86_400))
      #expect(
        later.windows[0].counts["login"]?.ok == 0 && later.windows[1].counts["login"]?.ok == 1)
      try Register(w.ctx).run("late@example.com", chosenPassword: nil)
      w.clock.advance(by: .seconds(8 * 86_400))
      let week = try Stats(w.ctx).run(purgeAge: .seconds(7 * 86_400))
      #expect(week.windows[1].counts["login"]?.ok == 0)
      #expect(week.accounts.unconfirmed == 1 && week.accounts.unconfirmedBeforeCutoff == 1)
    }
  }
}

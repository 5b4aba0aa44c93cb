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
      #expect(r.pseudonym == pseudonym && r.email == "me@example.com")
      // PostgreSQL has no secure_delete: old row versions may linger until reused.
      #expect(r.complete == (FlowStore.current == .sqlite))
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

    /// The streaming import on either store: rows keep the file's order between the accounts
    /// before and after it, an existing address is skipped or refused, a repeated one names
    /// the line that had it first, and nothing of a refused file stays.
    @Test func importOrderAndOutcomes() throws {
      let w = try FlowWorld()
      try Register(w.ctx).run("first@example.com", chosenPassword: nil)
      let header = "email,password_hash,activated_at,created_at\n"
      func importing(_ rows: String, skip: Bool) throws -> ImportResult {
        try Import(w.ctx).run(Array((header + rows).utf8), format: .csv, skipExisting: skip)
      }
      #expect(try importing("b@example.com,,,\na@example.com,,,\n", skip: false).imported == 2)
      let again = try importing("FIRST@example.com,,,\nc@example.com,,,\n", skip: true)
      #expect(again.imported == 1 && again.skipped == 1)
      do {
        _ = try importing("d@example.com,,,\ne@example.com,,,\nD@example.com,,,\n", skip: false)
        Issue.record("a repeated address was imported")
      } catch let error as FlowError {
        #expect(error.message.contains("d@example.com appears already on line 2"), "\(error)")
      }
      do {
        _ = try importing("a@example.com,,,\n", skip: false)
        Issue.record("an existing address was imported")
      } catch let error as FlowError {
        #expect(error.message.contains("already has an account"), "\(error)")
      }
      #expect(try w.store.read { try $0.account(email: "e@example.com") } == nil)
      try Register(w.ctx).run("last@example.com", chosenPassword: nil)
      let order = try w.store.read { tx -> [String] in
        let c = try tx.listAccounts(AccountFilter(), now: w.clock.now)
        var emails: [String] = []
        while try c.next() {
          emails.append(c.withText(1) { String(decoding: $0, as: UTF8.self) })
        }
        return emails
      }
      #expect(
        order == [
          "first@example.com", "b@example.com", "a@example.com", "c@example.com",
          "last@example.com",
        ], "\(order)")
    }

    /// Finished mail and ended sessions past their retention go; queued mail and live
    /// sessions stay; the sizes and the outbox summary read on either store.
    @Test func pruneMailAndSessions() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      try w.store.write { tx in
        _ = try tx.enqueueMessage(
          userID: nil, kind: "notice", channel: .mail, recipient: "queued@example.com",
          subject: "waiting",
          body: "a body", messageID: "<waiting@example.com>", now: w.clock.now)
      }
      let before = try w.store.read { try $0.outboxSummary(now: w.clock.now) }
      #expect(before.due == 1 && before.oldestWaitingAt == w.clock.now, "\(before)")
      w.clock.advance(by: .seconds(40 * 86_400))
      let retention = Retention(
        audit: .seconds(365 * 86_400), outbox: .seconds(30 * 86_400),
        sessions: .seconds(86_400))
      let done = try Prune(w.ctx, retention: retention).run(dryRun: false)
      let removed = Dictionary(uniqueKeysWithValues: done.counts.map { ($0.table, $0.removed) })
      #expect(removed["audit"] == 0 && removed["sessions"] == 1, "\(removed)")
      #expect((removed["outbox"] ?? 0) >= 1, "the sent confirmation mail")
      let after = try w.store.read { try $0.outboxSummary(now: w.clock.now) }
      #expect(after.due == 1, "queued mail stays, whatever its age")
      let size = try w.store.storageSize()
      #expect(size.database > 0)
      #expect((size.wal == nil) == (FlowStore.current == .postgres))
      if FlowStore.current == .postgres {
        #expect(throws: StoreError.self) { try w.store.backup(to: w.dir.file("copy.sqlite")) }
      }
    }
  }
}

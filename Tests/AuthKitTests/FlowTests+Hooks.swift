import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

extension FlowTests {
  /// Hook events (issue 15) on both stores: queued with the audit row in the change's own
  /// transaction (also a refusal recorded after a rollback), delivered by `HookDelivery` to a
  /// shell script in order per account, deferred with the outbox's backoff on the
  /// `TestClock`, given up after `Outbox.maxAttempts`, and never run by two runs at once.
  @Suite struct Hooks {
    /// A hook script in the world's folder: it appends what it reads to `events`, and exits
    /// 1 instead while `fail` exists, or for a@example.com while `refuse-a` exists.
    static func world() throws -> (FlowWorld, TempDir) {
      let dir = try TempDir("hook")
      let script = dir.file("hook.sh")
      try Data(
        """
        #!/bin/sh
        d='\(dir.path)'
        input=$(cat)
        [ -f "$d/fail" ] && exit 1
        case "$input" in *'"a@example.com"'*) [ -f "$d/refuse-a" ] && exit 1 ;; esac
        printf '%s\\n' "$input" >> "$d/events"

        """.utf8
      ).write(to: URL(fileURLWithPath: script))
      chmod(script, 0o755)
      return (try FlowWorld(["AUTHCTL_HOOK": script]), dir)
    }

    static func flag(_ dir: String, _ name: String, _ on: Bool) {
      let path = dir + "/" + name
      if on {
        _ = FileManager.default.createFile(atPath: path, contents: Data())
      } else {
        try? FileManager.default.removeItem(atPath: path)
      }
    }

    /// `event email` of each delivered event, in order.
    static func delivered(_ dir: String) throws -> [String] {
      let text = (try? String(contentsOfFile: dir + "/events", encoding: .utf8)) ?? ""
      return try text.split(separator: "\n").map {
        let o = try #require(
          try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        return "\(o["event"] as? String ?? "") \(o["email"] as? String ?? "-")"
      }
    }

    static func run(_ w: FlowWorld, all: Bool = false) throws -> HookReport {
      try HookDelivery(
        store: w.store, settings: w.ctx.settings, clock: w.clock.clock, observer: SilentObserver()
      ).run(all: all)
    }

    static func pending(_ w: FlowWorld) throws -> [HookEvent] {
      try w.store.read { try $0.pendingHookEvents() }
    }

    /// Every audit row has its hook event, written in the same transaction: a success, a
    /// counted refusal (`CommitAndRefuse`) and a refusal recorded after its rollback alike;
    /// a rolled-back change queues nothing of its own. Without AUTHCTL_HOOK nothing is queued.
    @Test func queuedWithTheAuditRow() throws {
      let (w, keep) = try Self.world()
      _ = keep
      try w.confirmedAccount()
      #expect(throws: (any Error).self) {
        try Login(w.ctx).run("me@example.com", password: "wrong password 123", file: w.file)
      }
      #expect(throws: (any Error).self) {
        try Login(w.ctx).run("nobody@example.com", password: FlowWorld.password, file: w.file)
      }
      #expect(throws: (any Error).self) {
        try w.ctx.run("probe", email: "me@example.com") { run in
          try run.write { tx in
            try run.succeeded(tx, nil)
            throw FlowError.refused("rolled back")
          }
        }
      }
      let audit = try w.audit()
      let queued = try Self.pending(w)
      #expect(queued.map(\.audit.event) == audit.map(\.event))
      #expect(queued.map(\.audit.ok) == audit.map(\.ok))
      #expect(queued.map(\.audit.reason) == audit.map(\.reason))
      #expect(queued.map(\.audit.event).suffix(3) == ["login", "login", "probe"])
      #expect(queued.last?.audit.ok == false && queued.last?.audit.reason == "rolled back")
      #expect(queued.allSatisfy { $0.status == "queued" && $0.attempts == 0 })

      let plain = try FlowWorld()
      try plain.confirmedAccount()
      #expect(try Self.pending(plain).isEmpty && !plain.audit().isEmpty)
    }

    /// In order per account, timed on the TestClock: a's event fails and is deferred a minute
    /// (then five), its later events not tried meanwhile; c's go on; once a's event goes
    /// through, a's events follow in order.
    @Test func orderAndBackoffOnTheClock() throws {
      let (w, folder) = try Self.world()
      let dir = folder.path
      Self.flag(dir, "refuse-a", true)
      try Register(w.ctx).run("a@example.com", chosenPassword: FlowWorld.password)
      try Register(w.ctx).run("c@example.com", chosenPassword: FlowWorld.password)
      let a = try w.account("a@example.com")
      try Admin(w.ctx).disable(a.email)
      var report = try Self.run(w)
      #expect(report.delivered == 1 && report.deferred.map(\.email) == ["a@example.com"])
      #expect(try Self.delivered(dir) == ["register c@example.com"])
      var first = try #require(try Self.pending(w).first)
      #expect(first.audit.email == "a@example.com" && first.attempts == 1)
      #expect(first.nextAttemptAt == w.clock.now + .seconds(60))

      w.clock.advance(by: .seconds(59))
      report = try Self.run(w)
      #expect(report.delivered == 0 && report.deferred.isEmpty, "not due, and a's next waits")
      w.clock.advance(by: .seconds(1))
      report = try Self.run(w)
      #expect(report.deferred.count == 1)
      first = try #require(try Self.pending(w).first)
      #expect(first.attempts == 2 && first.nextAttemptAt == w.clock.now + .seconds(300))

      Self.flag(dir, "refuse-a", false)
      w.clock.advance(by: .seconds(300))
      report = try Self.run(w)
      #expect(report.delivered == 2)
      #expect(
        try Self.delivered(dir) == [
          "register c@example.com", "register a@example.com", "admin.disable a@example.com",
        ])
      #expect(try Self.pending(w).isEmpty)
    }

    /// The tenth failed attempt fails the event for good (`hook.failed` audited, not queued),
    /// and the account's later events then go on.
    @Test func givesUpAfterTheOutboxLimit() throws {
      let (w, folder) = try Self.world()
      let dir = folder.path
      Self.flag(dir, "fail", true)
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      var failed = 0
      for attempt in 1...Outbox.maxAttempts {
        let report = try Self.run(w)
        failed += report.failed.count
        #expect(report.deferred.count + report.failed.count == 1, "attempt \(attempt)")
        w.clock.advance(by: .seconds(14_400))
      }
      #expect(failed == 1)
      let event = try #require(try Self.pending(w).first)
      #expect(event.status == "failed" && event.attempts == Outbox.maxAttempts)
      #expect(event.lastError?.hasPrefix("gave up after 10 attempts: exited with status 1") == true)
      #expect(try w.failures("hook.failed").count == 1 && w.failures("hook.deferred").count == 9)
      Self.flag(dir, "fail", false)
      try Admin(w.ctx).disable("me@example.com")
      #expect(try Self.run(w).delivered == 1)
      #expect(try Self.delivered(dir) == ["admin.disable me@example.com"])
    }

    /// Retention: sent and failed events older than a cutoff go, in batches; queued ones
    /// stay whatever their age.
    @Test func finishedEventsArePrunedQueuedOnesStay() throws {
      let (w, folder) = try Self.world()
      let dir = folder.path
      try Register(w.ctx).run("a@example.com", chosenPassword: FlowWorld.password)
      try Register(w.ctx).run("c@example.com", chosenPassword: FlowWorld.password)
      try Register(w.ctx).run("d@example.com", chosenPassword: FlowWorld.password)
      Self.flag(dir, "refuse-a", true)
      #expect(try Self.run(w).delivered == 2)
      let a = try #require(try Self.pending(w).first)
      try w.store.write { try $0.markHookFailed(id: a.id, error: "given up") }
      try Register(w.ctx).run("e@example.com", chosenPassword: FlowWorld.password)
      w.clock.advance(by: .seconds(86_400))
      let cutoff = w.clock.now
      #expect(try w.store.read { try $0.finishedHookEventCount(before: cutoff) } == 3)
      #expect(try w.store.write { try $0.deleteFinishedHookEvents(before: cutoff, limit: 2) } == 2)
      #expect(try w.store.write { try $0.deleteFinishedHookEvents(before: cutoff, limit: 2) } == 1)
      #expect(try w.store.read { try $0.finishedHookEventCount(before: cutoff) } == 0)
      #expect(try Self.pending(w).map(\.audit.email) == ["e@example.com"], "the queued one stays")
    }

    /// `authctl prune` takes finished hook events past the outbox's retention, and
    /// `users delete --forget` leaves no address in any hook event, queued or delivered: the
    /// account's events keep their kind under the erasure's pseudonym, and the erasure itself
    /// reaches the hook without the address.
    @Test func pruneAndForgetReachHookEvents() throws {
      let (w, folder) = try Self.world()
      let dir = folder.path
      try Register(w.ctx).run("a@example.com", chosenPassword: FlowWorld.password)
      try Register(w.ctx).run("c@example.com", chosenPassword: FlowWorld.password)
      #expect(try Self.run(w).delivered == 2)
      Self.flag(dir, "refuse-a", true)
      #expect(throws: (any Error).self, "registered, not confirmed: refused and audited") {
        try Register(w.ctx).run("a@example.com", chosenPassword: FlowWorld.password)
      }
      #expect(try Self.run(w).delivered == 0)
      let erased = try Erasure(w.ctx).forget("A@example.com")
      let events = try Self.pending(w)
      #expect(events.map(\.audit.event) == ["register", "admin.forget"], "\(events)")
      for e in events {
        #expect(e.audit.email == nil && e.lastError == nil, "\(e)")
        #expect(e.audit.userID == erased.pseudonym, "\(e)")
        #expect(!(e.audit.detail ?? "").lowercased().contains("a@example.com"))
      }
      w.clock.advance(by: w.ctx.settings.outboxRetention + .seconds(1))
      let done = try Prune(w.ctx).run(dryRun: false)
      let hooks = try #require(done.counts.first { $0.table == "hooks" })
      #expect(hooks.removed == 2, "the two delivered registrations; the queued ones stay")
      #expect(try Self.pending(w).count == 3, "two of the erased account and the prune's own")
    }

    /// Two runs never hold one event: on SQLite the second run finds the lock file taken; on
    /// PostgreSQL the event claimed by one connection is skipped by another, then delivered
    /// once let go.
    @Test func twoRunsNeverHoldOneEvent() throws {
      let (w, folder) = try Self.world()
      let dir = folder.path
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      let other = try StoreLocation(w.store.location).open(create: false)
      let second = HookDelivery(
        store: other, settings: w.ctx.settings, clock: w.clock.clock, observer: SilentObserver())
      let id = try #require(try Self.pending(w).first?.id)
      if FlowStore.current == .sqlite {
        var held = try w.store.lockHookDelivery(wait: false)
        #expect(held != nil)
        #expect(try other.lockHookDelivery(wait: false) == nil, "the lock file is taken")
        #expect(try second.run(wait: false).busy)
        held = nil
        _ = held
      } else {
        #expect(try w.store.claimHookEvents([id]) == [id])
        #expect(try other.claimHookEvents([id]).isEmpty, "claimed by the first connection")
        let skipped = try second.run()
        #expect(skipped.delivered == 0 && !skipped.busy)
        w.store.releaseHookEvents([id])
      }
      #expect(try Self.delivered(dir).isEmpty)
      #expect(try second.run().delivered == 1)
      #expect(try Self.delivered(dir) == ["register me@example.com"])
    }
  }
}

/// Every audit row is written through `StoreTransaction.audit` (issue 15), so none misses its
/// hook event: no source calls `record(` on a transaction; the helper alone calls it.
@Suite struct AuditWritesTests {
  @Test func onlyTheAuditHelperRecords() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(atPath: sources.path))
      .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    #expect(files.count > 50)
    for file in files {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      // A transaction's `record` (a `DeliveryRecorder` has a `record` of its own).
      let direct = text.contains(/(\btx|\$0|\btransaction)\.record\(|\.record\(\s*AuditEvent/)
      #expect(!direct, "\(file) writes an audit row around tx.audit")
    }
    let helper = try String(
      contentsOf: sources.appendingPathComponent("AuthKit/Store/StoreTransaction.swift"),
      encoding: .utf8)
    #expect(helper.contains("try record(event)\n    if hooks { try queueHookEvent(event) }"))
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// The notifier port (issue 12): the outbox hands each channel's messages to that channel's
  /// `Notifier` after the commit and applies each outcome — sent, deferred (with the backoff or
  /// a longer `retryAfter`), failed, untried — to the store; a channel with no notifier leaves
  /// its messages queued. A `RecordingNotifier` stands in for the channels.
  @Suite struct Notify {
    /// A world whose mail (and `more` channels) go to recording notifiers, with an unconfirmed
    /// account `me@example.com` whose confirmation mail was recorded.
    static func world(
      _ mail: RecordingNotifier, _ more: [RecordingNotifier] = [],
      _ settings: [String: String] = [:]
    ) throws -> (FlowWorld, Account) {
      let w = try FlowWorld(settings, notifiers: [mail] + more)
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      return (w, try w.account())
    }

    /// Queues `count` probes to `a` on `channel` (at `address`) in one run; its delivery.
    @discardableResult
    static func queue(
      _ w: FlowWorld, _ a: Account, _ count: Int = 1, via channel: NotificationChannel = .mail,
      at address: String? = nil
    ) throws -> DeliveryReport {
      try w.ctx.run("probe") { run in
        try run.write { tx in
          for i in 0..<count {
            try run.queue(
              tx, "probe", to: a, via: channel, at: address,
              Notice(subject: "Probe \(i)", text: "Code: 1234\(i)", secrets: ["1234\(i)"]))
          }
        }
        return run.delivery
      }
    }

    static func item(_ w: FlowWorld, _ id: Int64) throws -> OutboxItem {
      try #require(try w.store.read { try $0.outboxItem(id: id) })
    }

    /// A flow's mail reaches the mail notifier after the commit, in one batch, as queued:
    /// channel, address, kind, subject, text; the notifier gave its id; it is marked sent and
    /// its body forgotten.
    @Test func aFlowsMailGoesToTheMailNotifier() throws {
      let mail = RecordingNotifier()
      let (w, _) = try Self.world(mail)
      #expect(mail.batches.count == 1)
      let item = try #require(mail.items.first)
      #expect(item.channel == .mail && item.recipient == "me@example.com" && item.kind == "confirm")
      #expect(item.subject == "Confirm your account")
      #expect(item.body?.contains("\nToken: ") == true)
      #expect(mail.admitted == ["me@example.com"] && item.messageID == "recorded-me@example.com")
      let stored = try Self.item(w, item.id)
      #expect(stored.status == "sent" && stored.body == nil && stored.attempts == 1)
      #expect(w.reports.last?.delivered.map(\.to) == ["me@example.com"])
    }

    /// A deferral keeps the message queued with its reason, due after the backoff (1 min after
    /// a first attempt) or after `retryAfter` when that is longer, and is audited.
    @Test func deferredWaitsForTheLongerOfBackoffAndRetryAfter() throws {
      let mail = RecordingNotifier()
      let (w, a) = try Self.world(mail)
      mail.script(
        .deferred(reason: "429 slow down", retryAfter: .seconds(7200)),
        .deferred(reason: "busy", retryAfter: .seconds(5)), .deferred(reason: "later"))
      let report = try Self.queue(w, a, 3)
      #expect(report.deferred.map(\.error) == ["429 slow down", "busy", "later"])
      #expect(report.delivered.isEmpty)
      let now = w.clock.now
      let items = try mail.items.suffix(3).map { try Self.item(w, $0.id) }
      #expect(items.map(\.status) == ["queued", "queued", "queued"])
      #expect(items.map(\.attempts) == [1, 1, 1])
      #expect(items.map(\.lastError) == ["429 slow down", "busy", "later"])
      #expect(
        items.map(\.nextAttemptAt) == [
          now + .seconds(7200), now + .seconds(60), now + .seconds(60),
        ])
      #expect(try w.failures("mail.deferred") == ["429 slow down", "busy", "later"])
      // Not due before its time; due after.
      #expect(try w.store.read { try $0.dueMessages(now: now, all: false) }.isEmpty)
      w.clock.advance(by: .seconds(61))
      let flushed = try w.ctx.outbox.deliver(w.store)
      #expect(flushed.delivered.count == 2, "the two with the backoff")
      #expect(try Self.item(w, items[0].id).status == "queued")
    }

    /// A deferral at the last attempt fails the message for good.
    @Test func theLastAttemptFailsForGood() throws {
      let mail = RecordingNotifier()
      let (w, a) = try Self.world(mail)
      mail.script(.untried)
      let report = try Self.queue(w, a)
      #expect(report.untried == 1)
      let id = try #require(mail.items.last?.id)
      try w.execute(
        "UPDATE outbox SET attempts = \(Outbox.maxAttempts - 1) WHERE id = \(id)")
      mail.script(.deferred(reason: "still busy"))
      let flushed = try w.ctx.outbox.deliver(w.store)
      #expect(
        flushed.failed.map(\.error) == ["gave up after \(Outbox.maxAttempts) attempts: still busy"])
      let item = try Self.item(w, id)
      #expect(item.status == "failed" && item.body == nil)
    }

    /// A failure marks the message failed with the reason, forgets its body, and is audited.
    @Test func failedIsMarkedAndAudited() throws {
      let mail = RecordingNotifier()
      let (w, a) = try Self.world(mail)
      mail.script(.failed(reason: "550 no such user"))
      let report = try Self.queue(w, a)
      #expect(report.failed.map(\.error) == ["550 no such user"])
      let item = try Self.item(w, try #require(mail.items.last?.id))
      #expect(item.status == "failed" && item.body == nil && item.lastError == "550 no such user")
      #expect(try w.failures("mail.failed") == ["550 no such user"])
    }

    /// A message left untried ends the channel's run: it and the rest stay queued, due and
    /// untouched, counted untried; no later batch is handed over.
    @Test func untriedEndsTheRun() throws {
      let mail = RecordingNotifier(batchSize: 2)
      let (w, a) = try Self.world(mail)
      mail.script(.sent, .untried)
      let report = try Self.queue(w, a, 5)
      #expect(report.delivered.count == 1 && report.untried == 4)
      #expect(mail.batches.count == 2, "the registration's, then one of the five")
      #expect(mail.batches.last?.count == 2)
      let left = try w.store.read { try $0.dueMessages(now: w.clock.now, all: false) }
      #expect(left.count == 4 && left.allSatisfy { $0.attempts == 0 && $0.body != nil })
      // The next flush takes them, batch by batch.
      let flushed = try w.ctx.outbox.deliver(w.store)
      #expect(flushed.delivered.count == 4 && flushed.untried == 0)
      #expect(mail.batches.suffix(2).map(\.count) == [2, 2])
    }

    /// Each channel's messages go to its own notifier, each in order; the flood guard counts
    /// per channel and address.
    @Test func channelsGoToTheirNotifiers() throws {
      let mail = RecordingNotifier()
      let chat = RecordingNotifier(.telegram)
      let (w, a) = try Self.world(mail, [chat], ["AUTHCTL_MAIL_PER_HOUR": "3"])
      let report = try w.ctx.run("probe") { run in
        try run.write { tx in
          for (i, channel) in [NotificationChannel.telegram, .mail, .telegram].enumerated() {
            try run.queue(
              tx, "probe", to: a, via: channel, at: channel == .telegram ? "4242" : nil,
              Notice(subject: "Probe \(i)", text: "Hello \(i)"))
          }
        }
        return run.delivery
      }
      #expect(report.delivered.count == 3)
      #expect(chat.items.map(\.subject) == ["Probe 0", "Probe 2"])
      #expect(chat.items.allSatisfy { $0.channel == .telegram && $0.recipient == "4242" })
      #expect(mail.items.suffix(1).map(\.subject) == ["Probe 1"])
      #expect(mail.items.allSatisfy { $0.channel == .mail && $0.recipient == "me@example.com" })
      // The mailbox has had 2 of its 3 this hour; a Telegram chat named like it is counted
      // apart.
      try Self.queue(w, a, via: .telegram, at: "me@example.com")
      try Self.queue(w, a)
      #expect(throws: MailError.self) { try Self.queue(w, a) }
      try Self.queue(w, a, 2, via: .telegram, at: "me@example.com")
      try Self.queue(w, a, via: .telegram, at: "4242")
      #expect(throws: MailError.self) { try Self.queue(w, a, via: .telegram, at: "4242") }
    }

    /// A channel with no notifier leaves its messages queued and due, reported, not failed;
    /// `dueMessages` asked per channel sees them apart.
    @Test func aChannelWithoutNotifierStaysQueued() throws {
      let mail = RecordingNotifier()
      let (w, a) = try Self.world(mail)
      let report = try Self.queue(w, a, 2, via: .telegram, at: "4242")
      #expect(report.unrouted.map(\.channel) == [.telegram])
      #expect(report.unrouted.map(\.count) == [2])
      #expect(report.failed.isEmpty && report.deferred.isEmpty && report.untried == 0)
      try Self.queue(w, a)
      let now = w.clock.now
      let (chat, email, every) = try w.store.read { tx in
        (
          try tx.dueMessages(now: now, all: false, channel: .telegram),
          try tx.dueMessages(now: now, all: true, channel: .mail),
          try tx.dueMessages(now: now, all: false)
        )
      }
      #expect(chat.count == 2 && chat.allSatisfy { $0.attempts == 0 && $0.recipient == "4242" })
      #expect(email.isEmpty, "the mail was delivered")
      #expect(every.map(\.id) == chat.map(\.id))
      let flushed = try w.ctx.outbox.deliver(w.store)
      #expect(flushed.unrouted.map(\.count) == [2] && flushed.delivered.isEmpty)
    }

    /// `MAIL_SUPPRESS_SEND` is the suppressed notifier: marked suppressed, body forgotten.
    @Test func suppressedNotifier() throws {
      let w = try FlowWorld(["MAIL_SUPPRESS_SEND": "true"])
      try Register(w.ctx).run("me@example.com", chosenPassword: FlowWorld.password)
      #expect(w.reports.last?.suppressed == 1)
      #expect(w.reports.last?.destination == "nowhere (MAIL_SUPPRESS_SEND)")
      #expect(try w.store.read { try $0.pendingMessages() }.isEmpty)
      #expect(
        try w.integer("SELECT count(*) FROM outbox WHERE status = 'suppressed' AND body IS NULL")
          == 1)
    }
  }
}

import AuthKit
import Foundation
import Synchronization
import TestSupport
import Testing

/// A bot whose updates a test scripts (`TelegramBot`), recording the offsets asked for.
final class ScriptedBot: TelegramBot, @unchecked Sendable {
  let botID = "4242"
  private let state = Mutex<(updates: [TelegramUpdate], offsets: [Int64?], names: Int)>(
    ([], [], 0))

  func username() throws(TelegramError) -> String {
    state.withLock { $0.names += 1 }
    return "authctl_test_bot"
  }

  func updates(offset: Int64?, limit: Int) throws(TelegramError) -> [TelegramUpdate] {
    state.withLock { s in
      s.offsets.append(offset)
      return Array(s.updates.filter { offset == nil || $0.updateID >= offset! }.prefix(limit))
    }
  }

  /// Adds a message from `chat` with `text`; its update id follows the last.
  func send(_ text: String, from chat: Int64) {
    state.withLock { s in
      let id = (s.updates.last?.updateID ?? 99) + 1
      s.updates.append(TelegramUpdate(updateID: id, chatID: chat, text: text))
    }
  }

  var offsets: [Int64?] { state.withLock { $0.offsets } }
  var nameCalls: Int { state.withLock { $0.names } }
}

extension FlowTests {
  /// `TelegramLinking` (issue 15): the nonce is single-use, expires with the code TTL, and
  /// only its own `/start` links; every other `/start` links nothing and is audited; the
  /// update offset advances with what was handled.
  @Suite struct TelegramLinkingFlow {
    /// The nonce of a `https://t.me/<bot>?start=<nonce>` link.
    static func nonce(_ offer: TelegramLinking.Offer) throws -> String {
      let parts = offer.url.split(separator: "=", maxSplits: 1)
      #expect(parts.count == 2 && parts[0] == "https://t.me/authctl_test_bot?start")
      return String(try #require(parts.last))
    }

    @Test func linkPollAndShow() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let bot = ScriptedBot()
      let flow = TelegramLinking(w.ctx)
      let offer = try flow.link(file: w.file, bot: bot)
      let nonce = try Self.nonce(offer)
      #expect(nonce.utf8.count == 32)
      #expect(offer.expiresAt == w.clock.now + .seconds(600), "the code TTL")
      // The nonce is kept only as a selector and a keyed hash.
      #expect(try w.integer("SELECT count(*) FROM telegram_nonces") == 1)
      #expect(
        try w.integer(
          "SELECT count(*) FROM telegram_nonces WHERE nonce_hash LIKE '%\(nonce.suffix(20))%'")
          == 0)
      bot.send("hello", from: 77)
      bot.send("/start \(nonce)", from: 555)
      let report = try flow.poll(bot: bot)
      #expect(report.updates == 2 && report.linked == ["me@example.com"] && report.refused.isEmpty)
      let details = try Admin(w.ctx).show("me@example.com")
      #expect(details.telegram?.chatID == 555 && details.telegram?.prefer == true)
      #expect(details.fields.contains { $0.0 == "telegram_linked" && ($0.1 as? Bool) == true })
      #expect(try w.audit("telegram.link").map(\.ok) == [true])
      // The offset moved past both updates: the next poll asks from there and finds nothing.
      let again = try flow.poll(bot: bot)
      #expect(again.updates == 0)
      #expect(bot.offsets == [nil, 102])
      // getMe once: the name is cached for this bot.
      _ = try flow.link(file: w.file, bot: bot)
      #expect(bot.nameCalls == 1)
    }

    @Test func wrongExpiredAndReusedNoncesLinkNothing() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let bot = ScriptedBot()
      let flow = TelegramLinking(w.ctx)
      let nonce = try Self.nonce(try flow.link(file: w.file, bot: bot))
      // Wrong: another nonce of the same shape, one with the right selector but a changed
      // end, and text that is no nonce at all.
      let forged = String(nonce.dropLast()) + (nonce.last == "A" ? "B" : "A")
      bot.send("/start " + String(repeating: "A", count: 32), from: 1)
      bot.send("/start \(forged)", from: 2)
      bot.send("/start '; DROP TABLE users; --", from: 3)
      var report = try flow.poll(bot: bot)
      #expect(report.linked.isEmpty && report.refused.count == 3)
      #expect(try w.failures("telegram.link") == Array(repeating: "unknown link nonce", count: 3))
      // Expired: past the code TTL.
      w.clock.advance(by: .seconds(601))
      bot.send("/start \(nonce)", from: 4)
      report = try flow.poll(bot: bot)
      #expect(report.linked.isEmpty && report.refused == ["me@example.com: link nonce expired"])
      #expect(try Admin(w.ctx).show("me@example.com").telegram == nil)
      // A fresh one links once; the same /start again (another chat) links nothing.
      let fresh = try Self.nonce(try flow.link(file: w.file, bot: bot))
      bot.send("/start \(fresh)", from: 5)
      bot.send("/start \(fresh)", from: 6)
      report = try flow.poll(bot: bot)
      #expect(report.linked == ["me@example.com"])
      #expect(report.refused == ["me@example.com: link nonce already used"])
      #expect(try Admin(w.ctx).show("me@example.com").telegram?.chatID == 5)
      // The old nonce died with the new link.
      bot.send("/start \(nonce)", from: 7)
      report = try flow.poll(bot: bot)
      #expect(report.refused == ["unknown link nonce"])
      #expect(
        try w.failures("telegram.link") == [
          "unknown link nonce", "unknown link nonce", "unknown link nonce", "link nonce expired",
          "link nonce already used", "unknown link nonce",
        ])
      #expect(try w.audit("telegram.link").filter(\.ok).count == 1)
    }

    @Test func aDisabledAccountIsNotLinked() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let bot = ScriptedBot()
      let flow = TelegramLinking(w.ctx)
      let nonce = try Self.nonce(try flow.link(file: w.file, bot: bot))
      try Admin(w.ctx).disable("me@example.com")
      bot.send("/start \(nonce)", from: 8)
      let report = try flow.poll(bot: bot)
      #expect(
        report.linked.isEmpty
          && report.refused == ["me@example.com: account me@example.com is disabled"])
      #expect(try Admin(w.ctx).show("me@example.com").telegram == nil)
    }

    @Test func linkNeedsASessionAndUnlinkAndPreferNeedALink() throws {
      let w = try FlowWorld()
      let bot = ScriptedBot()
      let flow = TelegramLinking(w.ctx)
      expectRefused("not logged in") { _ = try flow.link(file: w.file, bot: bot) }
      try w.loggedIn()
      expectRefused("not linked to Telegram") { try flow.prefer(file: w.file, telegram: true) }
      #expect(try flow.unlink(file: w.file) == false)
      bot.send("/start \(try Self.nonce(try flow.link(file: w.file, bot: bot)))", from: 9)
      _ = try flow.poll(bot: bot)
      try flow.prefer(file: w.file, telegram: false)
      #expect(try Admin(w.ctx).show("me@example.com").telegram?.prefer == false)
      #expect(try flow.unlink(file: w.file) == true)
      #expect(try Admin(w.ctx).show("me@example.com").telegram == nil)
      #expect(try w.integer("SELECT count(*) FROM telegram_nonces") == 0)
    }

    /// Each Telegram store operation, on both stores.
    @Test func theStoreOperations() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      let now = w.clock.now
      func nonce(_ selector: String) -> TelegramNonce {
        TelegramNonce(
          selector: selector, userID: a.id, nonceHash: "hash-\(selector)", createdAt: now,
          expiresAt: now + .seconds(600), usedAt: nil)
      }
      try w.store.write { tx in
        try tx.insertTelegramNonce(nonce("first-select"))
        try tx.insertTelegramNonce(nonce("second-selec"))
      }
      let (first, second) = try w.store.read { tx in
        (
          try tx.telegramNonce(selector: "first-select"),
          try tx.telegramNonce(selector: "second-selec")
        )
      }
      #expect(first == nil, "a new nonce replaces the account's older ones")
      #expect(second == nonce("second-selec"))
      let marks = try w.store.write { tx in
        [
          try tx.markTelegramNonceUsed(selector: "second-selec", at: now),
          try tx.markTelegramNonceUsed(selector: "second-selec", at: now),
        ]
      }
      #expect(marks == [true, false], "used once")
      #expect(try w.store.read { try $0.telegramNonce(selector: "second-selec")?.usedAt } == now)
      let link = TelegramLink(userID: a.id, chatID: -1_001_234_567_890, linkedAt: now, prefer: true)
      try w.store.write { try $0.setTelegramLink(link) }
      #expect(
        try w.store.read { try $0.telegramLink(userID: a.id) } == link, "a group's negative id")
      var moved = link
      moved.chatID = 42
      moved.prefer = false
      moved.linkedAt = now + .seconds(5)
      try w.store.write { try $0.setTelegramLink(moved) }
      #expect(try w.store.read { try $0.telegramLink(userID: a.id) } == moved, "replaced")
      let removed = try w.store.write { tx in
        [try tx.deleteTelegramLink(userID: a.id), try tx.deleteTelegramLink(userID: a.id)]
      }
      #expect(removed == [true, false])
      #expect(try w.store.read { try $0.telegramNonce(selector: "second-selec") } == nil)
    }

    /// Store operations on both stores: deleting the account removes its link and nonces.
    @Test func theLinkGoesWithTheAccount() throws {
      let w = try FlowWorld()
      try w.loggedIn()
      let bot = ScriptedBot()
      let flow = TelegramLinking(w.ctx)
      bot.send("/start \(try Self.nonce(try flow.link(file: w.file, bot: bot)))", from: 9)
      _ = try flow.poll(bot: bot)
      _ = try flow.link(file: w.file, bot: bot)
      #expect(try w.integer("SELECT count(*) FROM telegram_links") == 1)
      #expect(try w.integer("SELECT count(*) FROM telegram_nonces") == 1)
      let id = try w.account().id
      let (marked, deleted) = try w.store.write { tx in
        (
          try tx.markTelegramNonceUsed(selector: "nosuchselec", at: w.clock.now),
          try tx.deleteAccount(id: id)
        )
      }
      #expect(!marked && deleted)
      #expect(try w.integer("SELECT count(*) FROM telegram_links") == 0)
      #expect(try w.integer("SELECT count(*) FROM telegram_nonces") == 0)
    }
  }
}

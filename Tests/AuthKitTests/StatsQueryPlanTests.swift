import Foundation
import TestSupport
import Testing

@testable import AuthKit

/// `authctl stats` stays fast on ten million accounts and events (issue 17) because every
/// count it runs is a range or a scan of an index — SQLite's query plan says so — never a
/// scan of a table, and a batch of `prune` starts at the oldest event by the `audit_at` index.
@Suite struct StatsQueryPlanTests {
  func plan(_ store: SQLiteStore, _ sql: String, _ values: [SQLValue]) throws -> [String] {
    try store.connection.all("EXPLAIN QUERY PLAN " + sql, values) { $0.text(3) }
  }

  @Test func everyCountReadsAnIndex() throws {
    let (_, store, _) = try OutboxEnqueueTests.setUp()
    let now: [SQLValue] = [.text("2026-01-01T00:00:00Z")]
    let q = SQLiteTransaction.accountCountSQL
    let counts: [(String, [SQLValue], String)] = [
      (q.total, [], "COVERING INDEX users_email"),
      (q.disabled, [], "COVERING INDEX users_disabled"),
      (q.expired, now, "INDEX users_expires"),
      (q.notYetValid, now, "INDEX users_valid_from"),
      (q.locked, now, "INDEX users_locked"),
      (q.unconfirmed, [], "COVERING INDEX users_unconfirmed_created"),
      (q.unconfirmedRankedHigher[0], [], "INDEX users_disabled"),
      (q.unconfirmedRankedHigher[1], now, "INDEX users_expires"),
      (q.unconfirmedRankedHigher[2], now, "INDEX users_valid_from"),
      (q.unconfirmedRankedHigher[3], now, "INDEX users_locked"),
      (q.mustReset, now, "INDEX users_must_reset"),
      (q.unconfirmedBefore, now, "COVERING INDEX users_unconfirmed_created"),
      (
        SQLiteTransaction.eventCountSQL, [.text("login"), .text("ok")] + now,
        "COVERING INDEX audit_event_outcome_at (event=? AND outcome=? AND at>?)"
      ),
      (SQLiteTransaction.outboxSummarySQL.waiting, now, "INDEX outbox_due (status=?)"),
      (SQLiteTransaction.outboxSummarySQL.failed, [], "COVERING INDEX outbox_due (status=?)"),
      (
        SQLiteTransaction.deleteAuditBatchSQL, now + [.integer(100)],
        "COVERING INDEX audit_at (at<?)"
      ),
    ]
    for (sql, values, index) in counts {
      let lines = try plan(store, sql, values)
      #expect(lines.contains { $0.contains("USING \(index)") }, "\(sql): \(lines)")
      #expect(
        !lines.contains {
          ($0.hasPrefix("SCAN") && !$0.contains("INDEX"))
            || ($0.hasPrefix("SEARCH") && !$0.contains("INDEX") && !$0.contains("PRIMARY KEY"))
        }, "\(sql) reads a table: \(lines)")
    }
  }
}

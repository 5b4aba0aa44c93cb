import Foundation
import TestSupport
import Testing

@testable import AuthKit

/// The flood guard's per-mailbox key (issue 11, property 17) and the cost of its count.
@Suite struct RecipientKeyTests {
  @Test(arguments: [
    ("ann@example.com", "ann@example.com"),
    ("Ann@Example.COM", "ann@example.com"),
    ("ann+1@example.com", "ann@example.com"),
    ("ANN+Tag+More@EXAMPLE.com", "ann@example.com"),
    ("ann+@example.com", "ann@example.com"),
    // Not folded: a local part that starts with '+', '-' delimiters, dots.
    ("+tag@example.com", "+tag@example.com"),
    ("ann-1@example.com", "ann-1@example.com"),
    ("a.nn@example.com", "a.nn@example.com"),
    ("ann@example.org", "ann@example.org"),
    ("no-at-sign", "no-at-sign"),
  ])
  func key(address: String, expected: String) {
    #expect(RecipientKey.of(address) == expected)
  }

  /// The count that runs at every enqueue is a range of the `outbox_recipient_key` index
  /// (SQLite's query plan says so), not a scan of the outbox.
  @Test func floodCountUsesTheIndex() throws {
    let (_, store, _) = try OutboxEnqueueTests.setUp()
    let plan = try store.connection.all(
      "EXPLAIN QUERY PLAN " + SQLiteStore.floodCountSQL,
      [.text("ann@example.com"), .text("2025-11-25T12:00:00Z")]
    ) { $0.text(3) }
    #expect(
      plan.contains { $0.contains("USING COVERING INDEX outbox_recipient_key") }, "\(plan)")
    #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
  }
}

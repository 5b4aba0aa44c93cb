import AuthKit
import Foundation
import TestSupport
import Testing

/// The typed instant (issue 12) and the store's edge, where it becomes text: what is written
/// stays byte-identical to the text authctl always wrote, the original app's forms still
/// parse, and a time a flow did not change is written back as it was stored.
@Suite struct InstantTests {
  @Test func arithmeticAndOrder() {
    let t = Instant(seconds: 1_764_072_000)
    #expect(t + .seconds(90) == Instant(seconds: 1_764_072_090))
    #expect(t - .seconds(90) < t && t < t + .milliseconds(1500))
    #expect((t + .milliseconds(1500)).seconds == t.seconds + 1, "whole seconds")
    #expect((t + .seconds(60)) - t == .seconds(60))
    #expect("\(t)" == "2025-11-25T12:00:00Z")
    #expect(Timestamp.instant("2025-11-25T14:00:00+02:00") == t)
  }

  @Test func testClockAdvances() {
    let clock = TestClock()
    let c = clock.clock
    let start = c.now()
    clock.advance(by: .seconds(61))
    #expect(c.now() == start + .seconds(61))
  }

  /// The stored text is the ISO-8601 form authctl has always written — but `activated_at`,
  /// the original app's column, gets `+00:00` for Python 3.7's `fromisoformat` (issue 16); the
  /// original app's `activated_at` (microseconds, no zone) survives a login's update byte for
  /// byte, and so does a text no form reads, which still counts as "activated".
  @Test func storedTimesKeepTheirBytes() throws {
    let w = try FlowWorld()
    let a = try w.confirmedAccount()
    let db = try Connection(path: w.dir.file("flow.sqlite"), create: false)
    func column(_ name: String) throws -> String? {
      try db.first("SELECT \(name) FROM users WHERE id = ?1", [.text(a.id)]) {
        $0.optionalText(0)
      } ?? nil
    }
    #expect(try column("activated_at") == Timestamp.formatWithOffset(w.clock.now))
    #expect(try column("created_at") == "2025-11-25T12:00:00Z")
    for original in ["2021-06-10T12:34:56.123456", "2021-06-10 12:34:56", "yes"] {
      _ = try db.run(
        "UPDATE users SET activated_at = ?1 WHERE id = ?2", [.text(original), .text(a.id)])
      w.clock.advance(by: .seconds(5))
      try Login(w.ctx).run("me@example.com", password: FlowWorld.password, file: w.file)
      #expect(try column("activated_at") == original, "kept as the original app wrote it")
      #expect(try column("last_login_at") == Timestamp.format(w.clock.now), "changed: new text")
    }
    try Admin(w.ctx).confirm("me@example.com", notify: false)
    #expect(try column("activated_at") == "yes", "an unreadable activation still counts")
  }
}

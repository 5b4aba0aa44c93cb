import Foundation
import Testing

@testable import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// The object a hook reads (issue 15): the eight members in order, `null` for what is absent,
/// controls escaped, and never more than `PIPE_BUF` bytes, so it is written whole before the
/// program starts.
@Suite struct HookPayloadTests {
  static func event(reason: String? = nil, detail: String? = nil) -> HookEvent {
    HookEvent(
      id: 42,
      audit: AuditEvent(
        at: Instant(seconds: 1_764_072_000), event: "login", userID: nil,
        email: "me@example.com", ok: false, reason: reason, detail: detail),
      status: "queued", attempts: 0, nextAttemptAt: .epoch, lastError: nil)
  }

  @Test func membersInOrder() {
    let text = String(
      decoding: HookPayload.json(Self.event(reason: "wrong\u{1b}[2J")), as: UTF8.self)
    #expect(
      text == """
        {"id":42,"at":"2025-11-25T12:00:00Z","event":"login","user_id":null,"email":"me@example.com","outcome":"failed","reason":"wrong\\u001b[2J","detail":null}

        """)
  }

  @Test func aLongReasonIsCutToFitOnePipeWrite() throws {
    let long = String(repeating: "é\u{1}", count: 5000)
    let bytes = HookPayload.json(Self.event(reason: long, detail: long))
    #expect(bytes.count <= Int(PIPE_BUF))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    let reason = try #require(object["reason"] as? String)
    #expect(reason.hasSuffix("…") && long.hasPrefix(reason.dropLast()))
    #expect(object["email"] as? String == "me@example.com")
  }
}

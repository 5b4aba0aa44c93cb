#if canImport(Glibc)
  import Glibc
#endif

/// The JSON object a hook program reads on stdin (issue 15), one per run:
/// `{"id":7,"at":"2026-11-29T23:40:00Z","event":"login","user_id":"…","email":"…",
/// "outcome":"failed","reason":"wrong password","detail":null}` — the audit event and its
/// queue id, `at` in RFC 3339 UTC, absent values as `null`. Never a secret: the audit row
/// holds none (DESIGN.md, "Secrets").
enum HookPayload {
  /// The object for `event`, at most `PIPE_BUF` bytes (so it is written whole before the
  /// program starts): an over-long reason or detail is cut, with `…`, until it fits.
  static func json(_ event: HookEvent) -> [UInt8] {
    var limit = 1024
    while true {
      let bytes = object(event, limit: limit)
      if bytes.count <= Int(PIPE_BUF) || limit < 16 { return bytes }
      limit /= 2
    }
  }

  static func object(_ e: HookEvent, limit: Int) -> [UInt8] {
    var w = JSONWriter()
    w.add("id", e.id)
    w.add("at", Timestamp.format(e.audit.at))
    w.add("event", e.audit.event)
    w.optional("user_id", e.audit.userID)
    w.optional("email", e.audit.email)
    w.add("outcome", e.audit.ok ? "ok" : "failed")
    w.optional("reason", e.audit.reason.map { cut($0, limit) })
    w.optional("detail", e.audit.detail.map { cut($0, limit) })
    return w.finished + [10]
  }

  /// `text` with at most `limit` characters, `…` ending a cut one.
  static func cut(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit)) + "…"
  }
}

extension JSONWriter where Sink == [UInt8] {
  /// A member whose value is a string, or `null`.
  mutating func optional(_ name: String, _ value: String?) {
    key(JSONKey(name))
    if let value { string(value) } else { null() }
  }
}

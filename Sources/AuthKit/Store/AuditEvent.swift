/// One audit event: who, what, when, and how it ended. Never a secret.
public struct AuditEvent: Sendable, Equatable {
  public var at: Instant
  public var event: String
  public var userID: String?
  public var email: String?
  public var ok: Bool
  public var reason: String?
  public var detail: String?

  public init(
    at: Instant, event: String, userID: String? = nil, email: String? = nil, ok: Bool = true,
    reason: String? = nil, detail: String? = nil
  ) {
    self.at = at
    self.event = event
    self.userID = userID
    self.email = email
    self.ok = ok
    self.reason = reason
    self.detail = detail
  }
}

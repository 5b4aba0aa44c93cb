/// Which events `authctl log` shows.
public struct AuditFilter: Sendable {
  public var email: String?
  /// Events of this account id; with `email` set too, events matching either (an access
  /// request: failed attempts carry the address only).
  public var userID: String?
  public var event: String?
  public var since: Instant?
  public var failedOnly = false
  public init() {}
}

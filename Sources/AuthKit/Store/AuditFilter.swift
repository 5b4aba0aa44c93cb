/// Which events `authctl log` shows.
public struct AuditFilter: Sendable {
  public var email: String?
  public var event: String?
  public var since: Instant?
  public var failedOnly = false
  public init() {}
}

/// The audit trail: appended by every flow, read by `authctl log`.
public protocol AuditRecords {
  func record(_ event: AuditEvent) throws(StoreError)
  /// `at, event, email, user_id, outcome, reason, detail` of the matching events, oldest first.
  func auditEvents(_ filter: AuditFilter) throws(StoreError) -> any RowCursor
}

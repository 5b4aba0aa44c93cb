/// One transaction of a `Store`: the typed operations over every table. Callers never see
/// SQL; each adapter implements these in its own dialect.
public protocol StoreTransaction:
  AccountRecords, SessionRecords, CodeRecords, OutboxRecords, AuditRecords, HookRecords,
  SettingRecords, TableRecords, TelegramRecords
{}

extension StoreTransaction {
  /// The one way an audit event is written (DESIGN.md, "Layers and ports"; a test holds that
  /// nothing else calls `record`): the audit row and, with `hooks` (`AUTHCTL_HOOK` is set), the
  /// same event queued for the hook program — in this transaction, so both or neither.
  public func audit(_ event: AuditEvent, hooks: Bool) throws(StoreError) {
    try record(event)
    if hooks { try queueHookEvent(event) }
  }
}

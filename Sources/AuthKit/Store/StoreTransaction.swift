/// One transaction of a `Store`: the typed operations over every table. Callers never see
/// SQL; each adapter implements these in its own dialect.
public protocol StoreTransaction:
  AccountRecords, SessionRecords, CodeRecords, OutboxRecords, AuditRecords, SettingRecords,
  TableRecords, TelegramRecords
{}

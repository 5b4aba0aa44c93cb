import AuthKit

/// `authctl log [--user EMAIL] [--event NAME] [--since TIME] [--failed] [--format …]`.
func runLog(_ ctx: Context) throws {
  let inv = ctx.invocation
  var filter = AuditFilter()
  if let user = inv.value(.user) { filter.email = try EmailAddress.normalize(user) }
  filter.event = inv.value(.event)
  if let since = inv.value(.since) {
    guard let t = Timestamp.instant(since) else {
      throw UsageError(
        "invalid time '\(since)' for '--since'; expected ISO 8601, e.g. 2026-01-31T12:00:00Z.")
    }
    filter.since = t
  }
  filter.failedOnly = inv.flag(.failed)
  let store = try ctx.openDatabase()
  try store.read { tx in
    let events = try tx.auditEvents(filter)
    let writer = RowWriter(
      RowWriter.Format(rawValue: inv.format) ?? .table, columns: events.columns,
      widths: [20, 22, 28, 36, 7, 24, 0], out: ctx.out)
    while try events.next() { writer.row(from: events) }
    writer.finish()
  }
}

import AuthKit

/// `authctl users list`: accounts as a table, JSON, JSON lines or CSV, streamed.
func runUsersList(_ ctx: Context) throws {
  let inv = ctx.invocation
  let now = ctx.clock.now()
  var filter = AccountFilter()
  if let s = inv.value(.status) { filter.status = AccountStatus(rawValue: s) }
  if let t = inv.value(.createdBefore) {
    guard let instant = Timestamp.instant(t) else {
      throw UsageError(
        "invalid time '\(t)' for '--created-before'; expected ISO 8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z."
      )
    }
    filter.createdBefore = instant
  }
  if let d = inv.value(.olderThan) {
    guard let seconds = DurationText.parse(d) else {
      throw UsageError(
        "invalid duration '\(d)' for '--older-than'; expected e.g. 90s, 30m, 48h, 7d, 2w.")
    }
    let cutoff = now - .seconds(seconds)
    filter.createdBefore = min(filter.createdBefore ?? cutoff, cutoff)
  }
  if let l = inv.value(.limit) {
    guard let n = Int(l), n >= 0 else {
      throw UsageError("invalid value '\(l)' for '--limit'; expected a whole number.")
    }
    filter.limit = n
  }
  let store = try ctx.openDatabase()
  try store.read { tx in
    let accounts = try tx.listAccounts(filter, now: now)
    let writer = RowWriter(
      RowWriter.Format(rawValue: inv.format) ?? .table, columns: accounts.columns,
      widths: [36, 32, 11, 20, 20, 20], out: ctx.out)
    while try accounts.next() { writer.row(from: accounts) }
    writer.finish()
  }
}

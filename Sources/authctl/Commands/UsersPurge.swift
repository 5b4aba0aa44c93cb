import AuthKit

/// `users purge --unconfirmed --older-than DURATION [--dry-run] [--format json]`.
func runUsersPurge(_ ctx: Context) throws {
  let inv = ctx.invocation
  let text = inv.required(.olderThan)
  guard let seconds = DurationText.parse(text) else {
    throw UsageError(
      "invalid duration '\(text)' for '--older-than'; expected e.g. 90s, 30m, 48h, 7d, 2w.")
  }
  let json = inv.format == "json"
  let dryRun = inv.flag(.dryRun)
  let result = try Purge(try ctx.adminFlows()).run(
    olderThan: .seconds(seconds), dryRun: dryRun, listEmails: json || ctx.verbose)
  if json {
    let writer = RowWriter(.jsonl, columns: ["removed", "dry_run", "emails"], out: ctx.out)
    writer.row([result.removed, result.dryRun, JSONArray(result.emails)])
    writer.finish()
    return
  }
  if dryRun {
    for email in result.emails { ctx.out.line(email) }
    ctx.diagnostics.notice("dry run: \(result.removed) account(s) would be removed; none was")
    return
  }
  if ctx.verbose { for email in result.emails { ctx.out.line("removed \(email)") } }
  ctx.out.line("removed \(result.removed) unconfirmed account(s)")
}

import AuthKit

/// `authctl sessions prune [--older-than DURATION] [--dry-run]`: deletes the rows of sessions
/// that ended (revoked or expired) more than DURATION ago, `AUTHCTL_SESSION_RETENTION` (30
/// days) by default.
func runSessionsPrune(_ ctx: Context) throws {
  let inv = ctx.invocation
  var age = ctx.retention.sessions
  if let text = inv.value(.olderThan) {
    guard let seconds = DurationText.parse(text) else {
      throw UsageError(
        "invalid duration '\(text)' for '--older-than'; expected e.g. 90s, 30m, 48h, 7d, 2w.")
    }
    age = .seconds(seconds)
  }
  let dryRun = inv.flag(.dryRun)
  let result = try SessionPrune(try ctx.adminFlows()).run(olderThan: age, dryRun: dryRun)
  if dryRun {
    ctx.diagnostics.notice(
      "dry run: \(result.removed) session(s) ended before \(result.cutoff) would be removed; none was"
    )
    return
  }
  ctx.out.line("removed \(result.removed) session(s) ended before \(result.cutoff)")
}

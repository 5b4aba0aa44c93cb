import AuthKit

/// `authctl prune [--dry-run] [--format text|json]`: what is past its retention goes, in
/// batches.
func runPrune(_ ctx: Context) throws {
  let dryRun = ctx.invocation.flag(.dryRun)
  let result = try Prune(try ctx.adminFlows()).run(dryRun: dryRun)
  if ctx.invocation.format == "json" {
    var members: [(String, JSONDocument)] = [("dry_run", .bool(dryRun))]
    for c in result.counts {
      members.append(
        (c.table, .object([("removed", .int(c.removed)), ("before", .string("\(c.cutoff)"))])))
    }
    members += [
      ("batches", .int(result.batches)),
      ("longest_batch_ms", .number((result.longestBatch.milliseconds * 1000).rounded() / 1000)),
      ("median_batch_ms", .number((result.medianBatch.milliseconds * 1000).rounded() / 1000)),
    ]
    ctx.out.write(JSONDocument.object(members).rendered)
    return
  }
  let names = [
    "audit": "audit event(s)", "outbox": "sent or failed message(s)",
    "sessions": "ended session(s)",
    "hooks": "delivered or given-up hook event(s)",
  ]
  for c in result.counts {
    let verb = dryRun ? "would remove" : "removed"
    ctx.out.line("\(verb) \(c.removed) \(names[c.table] ?? c.table) from before \(c.cutoff)")
  }
  if dryRun {
    ctx.diagnostics.notice("dry run: nothing was removed")
  } else if ctx.verbose {
    let ms = (result.longestBatch.milliseconds * 10).rounded() / 10
    ctx.diagnostics.notice("\(result.batches) batch(es); the longest held the write lock \(ms) ms")
  }
}

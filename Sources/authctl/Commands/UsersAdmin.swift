import AuthKit

/// `authctl users show EMAIL|ID [--format json]`.
func runUsersShow(_ ctx: Context) throws {
  let details = try Admin(try ctx.adminFlows()).show(ctx.invocation.arguments[0])
  let fields = details.fields
  if ctx.invocation.format == "json" {
    let writer = RowWriter(.jsonl, columns: fields.map(\.0), out: ctx.out)
    writer.row(fields.map(\.1))
    writer.finish()
    return
  }
  let width = fields.map(\.0.count).max() ?? 0
  for (name, value) in fields {
    let text: String
    switch value {
    case nil: text = "-"
    case let b as Bool: text = b ? "yes" : "no"
    case let v?: text = "\(v)"
    }
    ctx.out.line(name + String(repeating: " ", count: width - name.count) + "  " + text)
  }
}

/// `users disable|enable|unlock EMAIL`: prints what was done, or why nothing was.
func runUsersDisable(_ ctx: Context) throws {
  try adminChange(ctx, "disabled") { try $0.disable($1) }
}
func runUsersEnable(_ ctx: Context) throws { try adminChange(ctx, "enabled") { try $0.enable($1) } }
func runUsersUnlock(_ ctx: Context) throws {
  try adminChange(ctx, "unlocked") { try $0.unlock($1) }
}

private func adminChange(
  _ ctx: Context, _ done: String, _ body: (Admin, String) throws -> String?
) throws {
  let admin = Admin(try ctx.adminFlows())
  let key = ctx.invocation.arguments[0]
  if let unchanged = try body(admin, key) {
    ctx.diagnostics.notice("\(key): \(unchanged); nothing changed")
  } else {
    ctx.out.line("\(done) \(try EmailAddress.normalize(key))")
  }
}

/// `users delete EMAIL [--yes] [--forget]`: asks on a terminal; without one `--yes` is
/// required. `--forget` erases the address from the audit log and the outbox too (`Erasure`).
func runUsersDelete(_ ctx: Context) throws {
  let forget = ctx.invocation.flag(.forget)
  let flows = try ctx.adminFlows()
  let key = ctx.invocation.arguments[0]
  if !ctx.invocation.flag(.yes) {
    let account = try flows.store.read { try Accounts.lookup($0, key) }
    guard Prompt.isInteractive else {
      throw UsageError("refusing to delete \(account.email) without a terminal to ask; add --yes.")
    }
    let what =
      forget
      ? ", its sessions and mail, and erase its address from the log" : ", its sessions and mail"
    guard try Prompt.confirm("Delete the account \(account.email)\(what)?")
    else {
      throw FlowError.refused("not deleted")
    }
  }
  if forget {
    let r = try Erasure(flows).forget(key)
    ctx.out.line(
      "deleted and erased \(r.email): \(r.auditEvents) audit event(s) now name \(r.pseudonym), \(r.messages) message(s) removed"
    )
    if !r.complete && ctx.settings.database.isPostgres {
      ctx.diagnostics.warn(
        "PostgreSQL keeps the bytes of the old row versions in its data files until their space is reused, and in its write-ahead log and any archive or base backup until recycled; VACUUM ran ('VACUUM FULL audit, outbox' rewrites the tables)"
      )
    } else if !r.complete {
      ctx.diagnostics.warn(
        "another process was reading the database: older copies of the erased rows stay in its write-ahead log until the next checkpoint"
      )
    }
    return
  }
  let gone = try Admin(flows).delete(key)
  ctx.out.line("deleted \(gone.email)")
}

/// A TIME argument of the lifecycle commands: ISO 8601, or `now`; `never` (when `allowNever`)
/// is nil.
private func lifecycleTime(_ text: String, _ what: String, _ ctx: Context, allowNever: Bool)
  throws -> Instant?
{
  switch text.trimmingASCIIWhitespace().lowercased() {
  case "now": return ctx.clock.now()
  case "never" where allowNever: return nil
  default:
    guard let instant = Timestamp.instant(text) else {
      throw UsageError(
        "invalid time '\(text)' for \(what); expected ISO 8601 (2026-12-31 or 2026-12-31T18:00:00Z), 'now'\(allowNever ? " or 'never'" : "")."
      )
    }
    return instant
  }
}

/// `users expire EMAIL --at TIME|now|never`.
func runUsersExpire(_ ctx: Context) throws {
  let at = try lifecycleTime(ctx.invocation.required(.at), "'--at'", ctx, allowNever: true)
  let done = at.map { "\($0) is the end of the validity of" } ?? "no expiry for"
  try adminChange(ctx, done) { try $0.expire($1, at: at) }
}

/// `users valid-from EMAIL TIME|now`: `now` clears the start.
func runUsersValidFrom(_ ctx: Context) throws {
  let text = ctx.invocation.arguments[1]
  let now = text.trimmingASCIIWhitespace().lowercased() == "now"
  let at = now ? nil : try lifecycleTime(text, "TIME", ctx, allowNever: false)
  let done = at.map { "\($0) is the start of the validity of" } ?? "no start for"
  try adminChange(ctx, done) { try $0.validFrom($1, at: at) }
}

/// `users require-reset EMAIL|--all [--reason TEXT]`.
func runUsersRequireReset(_ ctx: Context) throws {
  let inv = ctx.invocation
  let reason = inv.value(.reason)
  switch (inv.arguments.first, inv.flag(.all)) {
  case (nil, false), (.some, true):
    throw UsageError("'users require-reset' needs exactly one of EMAIL and --all.")
  case (nil, true):
    let (marked, ended) = try Admin(try ctx.adminFlows()).requireResetAll(reason: reason)
    ctx.out.line("a new password is required of \(marked) account(s); \(ended) session(s) ended")
  case (.some, false):
    try adminChange(ctx, "a new password is required of") {
      try $0.requireReset($1, reason: reason)
    }
  }
}

import AuthKit

/// `authctl users show EMAIL|ID [--format json]`.
func runUsersShow(_ ctx: Context) throws {
  let store = try ctx.openDatabase()
  let details = try Admin(store: store, clock: ctx.clock).show(ctx.invocation.arguments[0])
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
  let store = try ctx.openDatabase()
  let key = ctx.invocation.arguments[0]
  if let unchanged = try body(Admin(store: store, clock: ctx.clock), key) {
    ctx.diagnostics.notice("\(key): \(unchanged); nothing changed")
  } else {
    ctx.out.line("\(done) \(try EmailAddress.normalize(key))")
  }
}

/// `users delete EMAIL [--yes] [--forget]`: asks on a terminal; without one `--yes` is
/// required. `--forget` erases the address from the audit log and the outbox too (`Erasure`).
func runUsersDelete(_ ctx: Context) throws {
  let forget = ctx.invocation.flag(.forget)
  // The erasure's pseudonyms need the keys (JWT_SECRET or the stored secret).
  let flows = forget ? try ctx.flows() : nil
  let store = try flows?.store ?? ctx.openDatabase()
  let key = ctx.invocation.arguments[0]
  if !ctx.invocation.flag(.yes) {
    let account = try store.read { try Accounts.lookup($0, key) }
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
  if let flows {
    let r = try Erasure(store: store, clock: ctx.clock, key: flows.keys.erasureKey).forget(key)
    ctx.out.line(
      "deleted and erased \(r.email): \(r.auditEvents) audit event(s) now name \(r.pseudonym), \(r.messages) message(s) removed"
    )
    if !r.complete {
      ctx.diagnostics.warn(
        "another process was reading the database: older copies of the erased rows stay in its write-ahead log until the next checkpoint"
      )
    }
    return
  }
  let gone = try Admin(store: store, clock: ctx.clock).delete(key)
  ctx.out.line("deleted \(gone.email)")
}

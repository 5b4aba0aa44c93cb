import AuthKit

/// `authctl migrate [--status]`: creates the database when missing, applies what is pending,
/// prints what it applied; `--status` lists applied and pending and changes nothing.
func runMigrate(_ ctx: Context) throws {
  if ctx.invocation.flag(.status) {
    let (applied, pending) = try ctx.openStoreAsIs().schemaStatus()
    for m in applied {
      ctx.out.line("applied  \(m.step.version)  \(m.step.name)  \(m.appliedAt)")
    }
    for m in pending { ctx.out.line("pending  \(m.version)  \(m.name)") }
    return
  }
  let store = try ctx.openStoreAsIs(create: true)
  let done = try store.migrate(ctx.migrationContext())
  for m in done { ctx.out.line("applied \(m.version): \(m.name)") }
  let stored = try store.read { try $0.setting(.jwtSecret) } != nil
  if ctx.settings.jwtSecret == nil, stored { ctx.warnIfSecretReadable(store) }
  if done.isEmpty {
    ctx.diagnostics.notice(
      "database \(ctx.settings.database.display) is up to date (version \(store.latestSchemaVersion))"
    )
  }
}

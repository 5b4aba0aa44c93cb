import AuthKit

/// `authctl migrate [--status]`: creates the database when missing, applies what is pending,
/// prints what it applied; `--status` lists applied and pending and changes nothing.
func runMigrate(_ ctx: Context) throws {
  let migrator = Migrator()
  if ctx.invocation.flag(.status) {
    let db = try Connection(path: ctx.settings.databasePath, create: false)
    for m in try migrator.applied(db) { ctx.out.line("applied  \(m.version)  \(m.name)  \(m.at)") }
    for m in try migrator.pending(db) { ctx.out.line("pending  \(m.version)  \(m.name)") }
    return
  }
  let db = try Connection(path: ctx.settings.databasePath, create: true)
  let done = try migrator.migrate(db, context: ctx.migrationContext())
  for m in done { ctx.out.line("applied \(m.version): \(m.name)") }
  let stored = try db.first("SELECT 1 FROM settings WHERE key = 'jwt_secret'") { _ in true }
  if ctx.settings.jwtSecret == nil, stored == true { ctx.warnIfSecretReadable(db) }
  if done.isEmpty {
    ctx.diagnostics.notice(
      "database \(ctx.settings.databasePath) is up to date (version \(Schema.latestVersion))")
  }
}

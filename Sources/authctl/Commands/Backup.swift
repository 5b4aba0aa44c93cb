import AuthKit

/// `authctl backup PATH`: a consistent copy of the live database (`Store.backup`).
func runBackup(_ ctx: Context) throws {
  try refusePostgres(ctx, "backup")
  let path = ctx.invocation.arguments[0]
  let folder = path.lastIndex(of: "/").map { String(path[...$0]) } ?? "."
  guard FileOwner(path: folder)?.isDirectory == true else {
    throw FlowError.cannotCreate("cannot create \(path): no folder \(folder)")
  }
  let store = try ctx.openStoreAsIs()
  let backup = try store.backup(to: path)
  ctx.out.line(
    "backed up \(store.location) to \(backup.path) (\(backup.bytes) bytes, integrity_check: \(backup.check))"
  )
}

/// `authctl restore PATH`: the backup in place of the database, the old one kept as `.bak`.
func runRestore(_ ctx: Context) throws {
  try refusePostgres(ctx, "restore")
  let backup = ctx.invocation.arguments[0]
  guard FileOwner(path: backup)?.isRegular == true else {
    throw FlowError.noInput("no backup file at \(backup)")
  }
  let path = ctx.settings.databasePath
  let done = try ctx.restoreStore(from: backup)
  if let previous = done.previous {
    ctx.out.line("restored \(path) from \(backup); the database it replaced is kept as \(previous)")
  } else {
    ctx.out.line("restored \(path) from \(backup)")
  }
  if done.schemaVersion < done.latestSchemaVersion {
    ctx.diagnostics.warn(
      "the backup's schema is at version \(done.schemaVersion) of \(done.latestSchemaVersion): run 'authctl migrate'"
    )
  }
}

/// A PostgreSQL store has no file to copy or replace: 69, naming pg_dump and pg_restore
/// (`StoreBackup.postgresRecipe`), before anything connects.
private func refusePostgres(_ ctx: Context, _ command: String) throws {
  guard ctx.settings.database.isPostgres else { return }
  throw FlowError.unavailable(
    "'authctl \(command)' copies a SQLite file; \(StoreBackup.postgresRecipe)")
}

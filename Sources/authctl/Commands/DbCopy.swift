import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// `authctl db copy --from SOURCE --to TARGET`: every table into an empty database, verified
/// table by table (`StoreCopy`). A SQLite target this command created is removed again when
/// the copy fails, so a failed copy leaves nothing behind.
func runDbCopy(_ ctx: Context) throws {
  let from = try location(ctx, .from, "--from")
  let to = try location(ctx, .toDatabase, "--to")
  guard from != to else {
    throw UsageError("--from and --to name the same database")
  }
  let source = try from.open(create: false)
  var created: String?
  if case .sqlite(let path) = to, !FileManager.default.fileExists(atPath: path) { created = path }
  do {
    let target = try to.open(create: true)
    let copied = try StoreCopy(
      from: source, named: from.display, to: target, named: to.display, observer: ctx.diagnostics
    ).run(ctx.migrationContext())
    for t in copied {
      ctx.out.line("\(t.table.rawValue)  \(t.rows) rows  sha256 \(t.checksum)")
    }
    let total = copied.reduce(0) { $0 + $1.rows }
    ctx.diagnostics.notice(
      "copied \(total) rows from \(from.display) to \(to.display); every table's count and checksum verified"
    )
  } catch {
    if let created {
      for suffix in ["", "-wal", "-shm", "-journal"] { unlink(created + suffix) }
    }
    throw error
  }
}

/// The store an option names; a password in it is refused (it would show in the process list).
private func location(_ ctx: Context, _ option: ValueOption, _ flag: String) throws
  -> StoreLocation
{
  let text = ctx.invocation.value(option) ?? ""
  let location = StoreLocation(text)
  if location.hasPassword {
    throw ConfigError(
      name: flag, source: .flag(flag),
      problem:
        "a password on the command line shows in the process list; refused — keep it in ~/.pgpass or PGPASSFILE (or PGPASSWORD), libpq's own sources"
    )
  }
  return location
}

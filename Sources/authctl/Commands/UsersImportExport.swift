import AuthKit

/// `users import FILE|- [--format csv|jsonl] [--skip-existing] [--allow-expensive-hashes]`.
func runUsersImport(_ ctx: Context) throws {
  let inv = ctx.invocation
  let path = inv.arguments[0]
  let format: RecordFormat
  if let f = inv.value(.format) {
    format = RecordFormat(rawValue: f) ?? .csv
  } else {
    format = path.hasSuffix(".jsonl") ? .jsonl : .csv
  }
  let bytes = try Import.readInput(path)
  let result = try Import(try ctx.adminFlows(create: true)).run(
    bytes, format: format, skipExisting: inv.flag(.skipExisting),
    allowExpensiveHashes: inv.flag(.allowExpensiveHashes))
  let skipped = result.skipped > 0 ? ", skipped \(result.skipped) existing" : ""
  ctx.out.line("imported \(result.imported) account(s)\(skipped)")
}

/// `users export [--with-password-hashes] [--format csv|jsonl]`: the import format, streamed;
/// `users export --format htpasswd --output PATH`: a web server's password file
/// (`HtpasswdExport`).
func runUsersExport(_ ctx: Context) throws {
  let inv = ctx.invocation
  if inv.value(.format) == "htpasswd" {
    guard let path = inv.value(.output) else {
      throw UsageError(
        "'users export --format htpasswd' needs --output PATH (the file is replaced atomically).")
    }
    let result = try HtpasswdExport(store: try ctx.openDatabase(), clock: ctx.clock).run(to: path)
    if result.groupChanged {
      ctx.diagnostics.warn(
        "could not keep the group of \(path): it now has yours; chgrp it so the web server reads it"
      )
    }
    ctx.diagnostics.notice(
      "wrote \(result.exported) account(s) to \(path), mode 0640; \(result.leftOut) left out (not active, or no usable hash)"
    )
    return
  }
  guard inv.value(.output) == nil else {
    throw UsageError(
      "'users export --output' is for --format htpasswd; CSV and JSONL go to stdout.")
  }
  let format: RowWriter.Format = inv.value(.format) == "jsonl" ? .jsonl : .csv
  let store = try ctx.openDatabase()
  let hashes = inv.flag(.withPasswordHashes)
  let writer = RowWriter(format, columns: ImportRecord.header, out: ctx.out)
  let progress = ctx.diagnostics.progress("exporting", total: nil)
  var n = 0
  try store.read { tx in
    let accounts = try tx.exportAccounts(withHashes: hashes)
    while try accounts.next() {
      writer.row(from: accounts)
      n += 1
      if n % 4096 == 0 { progress.update(n) }
    }
  }
  progress.finish()
  writer.finish()
}

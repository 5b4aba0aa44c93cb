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

/// `users export [--with-password-hashes] [--format csv|jsonl]`: the import format, streamed.
func runUsersExport(_ ctx: Context) throws {
  let inv = ctx.invocation
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

import AuthKit

/// `authctl config [--format json]`: the effective settings and their source, secrets `****`.
func runConfig(_ ctx: Context) throws {
  let rows = ctx.config.described()
  if ctx.invocation.format == "json" {
    let writer = RowWriter(.json, columns: ["name", "value", "source"])
    for r in rows { writer.row([r.name, r.value, r.source?.description]) }
    writer.finish()
    return
  }
  if let path = ctx.config.envFilePath { ctx.out.line("# env file: \(path)") }
  let width = rows.map(\.name.count).max() ?? 0
  for r in rows {
    let pad = String(repeating: " ", count: width - r.name.count)
    let value = r.value ?? "(unset)"
    let source = r.source.map { "  (\($0.description))" } ?? ""
    ctx.out.line("\(r.name)\(pad)  \(value)\(source)")
  }
}

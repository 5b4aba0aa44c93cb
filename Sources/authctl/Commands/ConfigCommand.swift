import AuthKit

/// `authctl config [--format json]`: the effective settings and their source, secrets `****`,
/// where the JWT secret lives (a setting's source, or the database file keeping the
/// generated one), and the address each sender setting gives the envelope.
func runConfig(_ ctx: Context) throws {
  let rows = ctx.config.described()
  let secret = ctx.secretLocation()
  // The envelope address of MAIL_DEFAULT_SENDER, MAIL_SENDERS and MAIL_USERNAME.
  let address = { (spec: SettingSpec) in ctx.settings.senderAddresses(spec.field) }
  if ctx.invocation.format == "json" {
    let writer = RowWriter(.json, columns: ["name", "value", "source", "address"], out: ctx.out)
    for r in rows {
      // The generated secret shows where it lives, masked like any secret.
      let stored =
        r.spec.field == \Settings.jwtSecret && r.value == nil
        && secret.hasPrefix("database")
      writer.row([
        r.spec.name, stored ? "****" : r.value, stored ? secret : r.source?.description,
        address(r.spec),
      ])
    }
    writer.finish()
    return
  }
  if let path = ctx.config.envFilePath { ctx.out.line("# env file: \(path)") }
  ctx.out.line("# JWT_SECRET source: \(secret)")
  let width = rows.map(\.spec.name.count).max() ?? 0
  for r in rows {
    let pad = String(repeating: " ", count: width - r.spec.name.count)
    let value = r.value ?? "(unset)"
    let source = r.source.map { "  (\($0.description))" } ?? ""
    let parsed = address(r.spec).map { "  → address \($0)" } ?? ""
    ctx.out.line("\(r.spec.name)\(pad)  \(value)\(source)\(parsed)")
  }
}

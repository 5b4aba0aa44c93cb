import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

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
  // The input first: a missing file is 66 before any database is created.
  let fd = try Import.open(path)
  defer { if fd != 0 { close(fd) } }
  let result = try Import(try ctx.adminFlows(create: true)).run(
    ByteSource(fd: fd), format: format, skipExisting: inv.flag(.skipExisting),
    allowExpensiveHashes: inv.flag(.allowExpensiveHashes))
  let skipped = result.skipped > 0 ? ", skipped \(result.skipped) existing" : ""
  ctx.out.line("imported \(result.imported) account(s)\(skipped)")
}

/// `users export [--with-password-hashes] [--format csv|jsonl]`: the import format, streamed;
/// `users export --format htpasswd --output PATH`: a web server's password file
/// (`HtpasswdExport`).
func runUsersExport(_ ctx: Context) throws {
  let inv = ctx.invocation
  if let user = inv.value(.user) {
    guard inv.value(.format) == nil || inv.format == "json" else {
      throw UsageError("'--user' writes one JSON document; use '--format json' or leave it out.")
    }
    let report = try PersonalData(try ctx.adminFlows()).report(user, withLog: inv.flag(.withLog))
    ctx.out.write(personalDataDocument(report).rendered)
    return
  }
  if inv.format == "json" {
    throw UsageError(
      "'--format json' is for one person ('--user EMAIL'); all accounts come as csv or jsonl.")
  }
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

/// The JSON of an access request: the account's fields (as `users show` prints them), its
/// sessions, its mail without bodies, and its audit events when asked for.
func personalDataDocument(_ r: PersonalDataReport) -> JSONDocument {
  func value(_ v: Any?) -> JSONDocument {
    switch v {
    case nil: return .null
    case let s as String: return .string(s)
    case let n as Int: return .int(n)
    case let b as Bool: return .bool(b)
    default: return .string("\(v!)")
    }
  }
  let account = JSONDocument.object(r.account.fields.map { ($0.0, value($0.1)) })
  let sessions = JSONDocument.array(
    r.sessions.map { s in
      .object([
        ("id", .string(s.id)), ("created_at", .time(s.createdAt)),
        ("expires_at", .time(s.expiresAt)), ("revoked_at", .time(s.revokedAt)),
        ("revoked_reason", .text(s.revokedReason)),
      ])
    })
  let mail = JSONDocument.array(
    r.messages.map { m in
      .object([
        ("id", .integer(m.id)), ("kind", .string(m.kind)), ("to", .string(m.recipient)),
        ("subject", .string(m.subject)), ("status", .string(m.status)),
        ("attempts", .int(m.attempts)), ("last_error", .text(m.lastError)),
        ("created_at", .time(m.createdAt)),
        ("next_attempt_at", m.status == "queued" ? .time(m.nextAttemptAt) : .null),
      ])
    })
  var members: [(String, JSONDocument)] = [
    ("account", account), ("sessions", sessions), ("mail", mail),
  ]
  if let events = r.events {
    members.append(
      (
        "audit",
        .array(
          events.map { e in
            .object([
              ("at", .time(e.at)), ("event", .string(e.event)), ("email", .text(e.email)),
              ("user_id", .text(e.userID)), ("outcome", .string(e.ok ? "ok" : "failed")),
              ("reason", .text(e.reason)), ("detail", .text(e.detail)),
            ])
          })
      ))
  }
  return .object(members)
}

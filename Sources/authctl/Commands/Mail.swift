import AuthKit

/// `authctl mail queue [--format table|json]`: queued and failed messages.
func runMailQueue(_ ctx: Context) throws {
  let items = try ctx.openDatabase().read { try $0.pendingMessages() }
  let writer = RowWriter(
    RowWriter.Format(rawValue: ctx.invocation.format) ?? .table,
    columns: [
      "id", "to", "subject", "status", "attempts", "last_error", "kind", "created_at",
      "next_attempt_at", "channel",
    ], widths: [5, 28, 28, 7, 8, 40, 10, 20, 20], out: ctx.out)
  for i in items {
    writer.row([
      i.id, i.recipient, i.subject, i.status, i.attempts, i.lastError, i.kind, i.createdAt,
      i.status == "queued" ? i.nextAttemptAt : nil, i.channel.rawValue,
    ])
  }
  writer.finish()
}

/// `authctl mail flush [--all]`: delivers what is due (everything queued with `--all`).
/// Exit 0 when nothing due is left undelivered, 75 when some are still deferred: then it says
/// how many wait for their retry time, when the next is due, and that `--all` sends them now.
func runMailFlush(_ ctx: Context) throws {
  let flows = try ctx.flows()
  // A flush may carry the queue over several SMTP connections (MAIL_CONNECTIONS).
  let outbox = Outbox(
    settings: flows.settings, clock: flows.clock, observer: flows.observer,
    notifiers: .configured(
      flows.settings, clock: flows.clock, observer: flows.observer, database: flows.store.file,
      parallel: true))
  let report = try outbox.deliver(flows.store, all: ctx.invocation.flag(.all))
  for p in report.connectionProblems { ctx.diagnostics.warn("could not open \(p)") }
  for u in report.unrouted {
    ctx.diagnostics.warn(
      "\(u.count) \(u.channel.rawValue) message(s) stay queued: no \(u.channel.rawValue) notifier is configured"
    )
  }
  for p in report.deferred { ctx.diagnostics.warn("\(p.place) deferred: \(p.error)") }
  for p in report.failed { ctx.diagnostics.warn("\(p.place) failed: \(p.error)") }
  // Still waiting: every queued message in backoff (those this run deferred and those not
  // yet due), and those the run did not reach.
  let now = flows.now()
  let waiting = try flows.store.read {
    try $0.deferredMessages(now: now)
  }
  var parts = ["delivered \(report.delivered.count)"]
  if report.suppressed > 0 { parts.append("suppressed \(report.suppressed)") }
  if !report.deferred.isEmpty { parts.append("deferred \(report.deferred.count)") }
  if report.untried > 0 { parts.append("not tried \(report.untried)") }
  if !report.failed.isEmpty { parts.append("failed \(report.failed.count)") }
  // Where they went: mail's destination, and how many of them went to Telegram.
  let chats = report.delivered.filter { $0.channel == .telegram }.count
  var places: [String] = []
  if chats < report.delivered.count { places.append(report.destination) }
  if chats > 0 { places.append("\(chats) to Telegram") }
  ctx.out.line(
    parts.joined(separator: ", ") + (places.isEmpty ? "" : " (\(places.joined(separator: "; ")))"))
  var later: [String] = []
  if report.untried > 0 {
    later.append(
      "\(report.untried) message(s) were not tried (the connection broke); run 'authctl mail flush' again"
    )
  }
  if waiting.count > 0 {
    var due = ""
    if let next = waiting.nextDue {
      due = ", the next due at \(next) (in \(roughDuration(next.seconds - now.seconds)))"
    }
    later.append(
      "\(waiting.count) message(s) wait for their retry time\(due); "
        + "'authctl mail flush --all' sends them now")
  }
  if !later.isEmpty { throw FlowError.tryLater(later.joined(separator: "; ")) }
}

/// `seconds` for a person: `45s`, `4 min`, `3 h 20 min`.
func roughDuration(_ seconds: Int64) -> String {
  if seconds < 60 { return "\(max(0, seconds))s" }
  let minutes = (seconds + 59) / 60
  if minutes < 60 { return "\(minutes) min" }
  return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
}

/// `authctl mail test ADDRESS`: one test message, straight to the transport (not queued),
/// with each server reply printed.
func runMailTest(_ ctx: Context) throws {
  let to = try EmailAddress.normalize(ctx.invocation.arguments[0])
  let notifiers = Notifiers.configured(
    ctx.settings, clock: ctx.clock, observer: ctx.diagnostics,
    database: FileOwner(path: ctx.settings.databasePath))
  let (message, sender) = try MailComposer(settings: ctx.settings, clock: ctx.clock)
    .testMessage(to: to)
  switch notifiers[.mail] {
  case let mailbox as MailboxNotifier:
    try mailbox.mailbox.append(
      try message.render(eightBit: true), envelopeFrom: sender.address,
      date: ctx.clock.now().seconds)
    ctx.out.line(
      "MAIL_SERVER is unset: the test message is in the local mailbox \(mailbox.path)")
  case let smtp as SMTPNotifier:
    let settings = smtp.settings
    let client = SMTPClient(settings: settings, transcript: ctx.diagnostics.transcript)
    client.onReply = { stage, reply in
      for (i, line) in reply.lines.enumerated() {
        ctx.out.line(
          "\(stage.rawValue): \(reply.code)\(i == reply.lines.count - 1 ? " " : "-")\(line)")
      }
    }
    defer { client.quit() }
    try client.connect()
    _ = try client.send(
      from: sender.address, to: [to], message: try message.render(eightBit: client.offers8BitMIME))
    ctx.out.line("test message to \(to) accepted by \(settings.host):\(settings.port)")
  default:
    ctx.out.line("MAIL_SUPPRESS_SEND is set: nothing sent")
  }
}

/// `authctl mail show [--last] [--to EMAIL]`: a message of the local mailbox, decoded.
func runMailShow(_ ctx: Context) throws {
  let path = MailboxNotifier.path(forDatabase: ctx.settings.databasePath)
  let to = try ctx.invocation.value(.to).map { try EmailAddress.normalize($0) }
  let messages: [[UInt8]]
  do {
    messages = try Mailbox(path: path).messages()
  } catch .untrustedMailbox(let reason) {
    throw MailError.untrustedMailbox(reason)
  } catch {
    throw FlowError.noInput("no local mailbox at \(path) (\(error.message))")
  }
  var chosen: DecodedMessage?
  for raw in messages.reversed() {
    guard let m = DecodedMessage.parse(raw) else { continue }
    if let to, (try? EmailAddress.normalize(m.to)) != to && !m.to.lowercased().contains("<\(to)>") {
      continue
    }
    chosen = m
    break
  }
  guard let m = chosen else {
    throw FlowError.noInput(
      to.map { "no message to \($0) in the mailbox \(path)" } ?? "the mailbox \(path) is empty")
  }
  for (name, value) in [("From", m.from), ("To", m.to), ("Subject", m.subject), ("Date", m.date)] {
    ctx.out.line("\(name): \(value)")
  }
  ctx.out.line()
  let body = TerminalText.escaped(m.body, keepingLineBreaks: true)
  ctx.out.write(body.hasSuffix("\n") ? body : body + "\n")
}

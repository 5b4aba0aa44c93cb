import AuthKit

/// `authctl hooks queue [--format table|json]`: hook events queued (waiting or deferred) and
/// those given up on.
func runHooksQueue(_ ctx: Context) throws {
  let events = try ctx.openDatabase().read { try $0.pendingHookEvents() }
  let writer = RowWriter(
    RowWriter.Format(rawValue: ctx.invocation.format) ?? .table,
    columns: [
      "id", "at", "event", "email", "status", "attempts", "next_attempt_at", "last_error",
    ], widths: [5, 20, 16, 28, 7, 8, 20], out: ctx.out)
  for e in events {
    writer.row([
      e.id, e.audit.at, e.audit.event, e.audit.email, e.status, e.attempts,
      e.status == "queued" ? e.nextAttemptAt : nil, e.lastError,
    ])
  }
  writer.finish()
}

/// `authctl hooks flush [--all]`: runs AUTHCTL_HOOK for every due event (every queued one
/// with `--all`). Exit 0 when nothing due is left; 75 when events wait for their retry time
/// (it says how many, when the next is due, and that `--all` runs them now).
func runHooksFlush(_ ctx: Context) throws {
  let store = try ctx.openDatabase()
  let delivery = HookDelivery(
    store: store, settings: ctx.settings, clock: ctx.clock, observer: ctx.diagnostics)
  let report = try delivery.run(all: ctx.invocation.flag(.all))
  reportHooks(report, ctx.diagnostics)
  var parts = ["delivered \(report.delivered)"]
  if !report.deferred.isEmpty { parts.append("deferred \(report.deferred.count)") }
  if !report.failed.isEmpty { parts.append("failed \(report.failed.count)") }
  ctx.out.line(parts.joined(separator: ", "))
  let now = ctx.clock.now()
  let waiting = try store.read { try $0.deferredHookEvents(now: now) }
  if waiting.count > 0 {
    var due = ""
    if let next = waiting.nextDue {
      due = ", the next due at \(next) (in \(roughDuration(next.seconds - now.seconds)))"
    }
    throw FlowError.tryLater(
      "\(waiting.count) hook event(s) wait for their retry time\(due), and their accounts' later events with them; 'authctl hooks flush --all' runs them now"
    )
  }
}

/// One warning per event the program did not take.
func reportHooks(_ report: HookReport, _ diagnostics: Diagnostics) {
  for p in report.deferred {
    diagnostics.warn(
      "hook for \(p.event) #\(p.id)\(p.email.map { " (\($0))" } ?? "") deferred: \(p.error)")
  }
  for p in report.failed {
    diagnostics.warn(
      "hook for \(p.event) #\(p.id)\(p.email.map { " (\($0))" } ?? "") failed for good: \(p.error)"
    )
  }
}

extension Context {
  /// True when the hook runs after this command (`flushHooksAfterCommand`): AUTHCTL_HOOK is
  /// set and the command is not a `hooks` command, a protocol mode or `check --batch` — whose
  /// flows' contexts are then not kept (a batch helper lets a replaced database's go).
  var runsHooksAfter: Bool {
    let name = invocation.command?.name ?? ""
    return settings.hookProgram != nil && !name.hasPrefix("hooks ")
      && !Self.isProtocolMode(invocation) && !(name == "check" && invocation.flag(.batch))
  }

  /// After a command (done or refused) that queued hook events: runs the hook for what is
  /// due, as mail is delivered after a commit. A problem is a warning, never the command's
  /// exit status; another run holding the lock is left to deliver. A command that queued
  /// nothing runs nothing (a read-only question stays one: DESIGN.md, "Transactions" 5), nor
  /// do the protocol modes and `check --batch`, which answer a server at each request
  /// (cron's `hooks flush` delivers theirs).
  func flushHooksAfterCommand() {
    guard runsHooksAfter, let store = opened.contexts.first(where: \.queuedHookEvents)?.store
    else { return }
    do {
      let report = try HookDelivery(
        store: store, settings: settings, clock: clock, observer: diagnostics
      ).run(wait: false)
      reportHooks(report, diagnostics)
    } catch {
      diagnostics.warn("the hook program was not run: \(describe(error).message)")
    }
  }
}

/// The flows' contexts a command made, for what runs after it (`flushHooksAfterCommand`).
final class OpenedStore {
  var contexts: [FlowContext] = []
}

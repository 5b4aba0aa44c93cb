import AuthKit

/// `authctl stats [--format table|json|prom] [--older-than DURATION] [--output FILE]`.
func runStats(_ ctx: Context) throws {
  let inv = ctx.invocation
  var purgeAge = Duration.seconds(7 * 86_400)
  if let text = inv.value(.olderThan) {
    guard let seconds = DurationText.parse(text) else {
      throw UsageError(
        "invalid duration '\(text)' for '--older-than'; expected e.g. 90s, 30m, 48h, 7d, 2w.")
    }
    purgeAge = .seconds(seconds)
  }
  let report = try Stats(try ctx.adminFlows()).run(purgeAge: purgeAge)
  let text: String
  switch inv.format {
  case "json": text = StatsText.json(report).rendered
  case "prom": text = StatsText.prometheus(report)
  default: text = StatsText.table(report)
  }
  if let output = inv.value(.output) {
    // Read by another daemon (node_exporter's textfile collector): 0644, and it holds counts
    // only, never an address or a secret.
    try AtomicFile.write(Array(text.utf8), to: output, mode: 0o644)
  } else {
    ctx.out.write(text)
  }
}

/// The three renderings of a `StatsReport`.
enum StatsText {
  static func age(_ d: Duration) -> String { DurationText.format(d.wholeSeconds) }

  /// `(name, value)` in the order shown, for the table.
  static func rows(_ r: StatsReport) -> [(String, String)] {
    let a = r.accounts
    var rows = a.byStatus.map { ("accounts \($0.0.rawValue)", "\($0.1)") }
    rows += [
      ("accounts total", "\(a.total)"),
      ("unconfirmed older than \(age(r.purgeAge))", "\(a.unconfirmedBeforeCutoff)"),
    ]
    for w in r.windows {
      for event in Stats.events {
        let c = w.counts[event] ?? (0, 0)
        rows.append(("\(event) ok, last \(w.name)", "\(c.ok)"))
        rows.append(("\(event) failed, last \(w.name)", "\(c.failed)"))
      }
    }
    rows += [
      ("outbox due", "\(r.outbox.due)"), ("outbox deferred", "\(r.outbox.deferred)"),
      ("outbox failed", "\(r.outbox.failed)"),
      ("outbox oldest waiting", r.oldestWaitingAge.map { "\($0.wholeSeconds)s" } ?? "-"),
      ("database bytes", "\(r.size.database)"), ("wal bytes", r.size.wal.map { "\($0)" } ?? "-"),
    ]
    return rows
  }

  static func table(_ r: StatsReport) -> String {
    let rows = rows(r)
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }
      .joined(separator: "\n") + "\n"
  }

  static func json(_ r: StatsReport) -> JSONDocument {
    let a = r.accounts
    let windows: [(String, JSONDocument)] = r.windows.map { w in
      (
        w.name,
        .object(
          Stats.events.flatMap { event -> [(String, JSONDocument)] in
            let c = w.counts[event] ?? (0, 0)
            return [("\(event)_ok", .int(c.ok)), ("\(event)_failed", .int(c.failed))]
          })
      )
    }
    return .object([
      ("at", .string("\(r.now)")),
      (
        "accounts",
        .object(a.byStatus.map { ($0.0.rawValue, .int($0.1)) } + [("total", .int(a.total))])
      ),
      (
        "unconfirmed_past_purge_age",
        .object([
          ("older_than", .string(age(r.purgeAge))), ("count", .int(a.unconfirmedBeforeCutoff)),
        ])
      ),
      ("audit", .object(windows)),
      (
        "outbox",
        .object([
          ("due", .int(r.outbox.due)), ("deferred", .int(r.outbox.deferred)),
          ("failed", .int(r.outbox.failed)),
          (
            "oldest_waiting_age_seconds",
            r.oldestWaitingAge.map { .integer($0.wholeSeconds) } ?? .null
          ),
        ])
      ),
      ("database_bytes", .integer(r.size.database)),
      ("wal_bytes", r.size.wal.map { .integer($0) } ?? .null),
    ])
  }

  static func prometheus(_ r: StatsReport) -> String {
    let a = r.accounts
    var p = PrometheusText()
    p.metric(
      "authctl_accounts", .gauge,
      "Accounts by status, each counted once (disabled, expired, not-yet-valid, locked, unconfirmed, must-reset, active).",
      a.byStatus.map { ([("status", $0.0.rawValue)], Double($0.1)) })
    p.metric(
      "authctl_accounts_unconfirmed_past_purge_age", .gauge,
      "Unconfirmed accounts created more than the purge age ago (\(age(r.purgeAge))), which users purge would remove.",
      Double(a.unconfirmedBeforeCutoff))
    var samples: [([(String, String)], Double)] = []
    for w in r.windows {
      for event in Stats.events {
        let c = w.counts[event] ?? (0, 0)
        samples.append(([("event", event), ("outcome", "ok"), ("window", w.name)], Double(c.ok)))
        samples.append(
          ([("event", event), ("outcome", "failed"), ("window", w.name)], Double(c.failed)))
      }
    }
    p.metric(
      "authctl_audit_events", .gauge,
      "Audit events recorded in the last hour or day, by event (login, lockout, reset, register) and outcome.",
      samples)
    p.metric(
      "authctl_outbox_messages", .gauge,
      "Outbox messages: due now, deferred after a temporary failure, failed for good.",
      [
        ([("state", "due")], Double(r.outbox.due)),
        ([("state", "deferred")], Double(r.outbox.deferred)),
        ([("state", "failed")], Double(r.outbox.failed)),
      ])
    p.metric(
      "authctl_outbox_oldest_waiting_age_seconds", .gauge,
      "Age of the oldest queued message (due or deferred); 0 when none waits.",
      Double(r.oldestWaitingAge?.wholeSeconds ?? 0))
    p.metric(
      "authctl_database_size_bytes", .gauge,
      "Size of the database (SQLite: its file; PostgreSQL: pg_database_size).",
      Double(r.size.database))
    // PostgreSQL's write-ahead log is the whole cluster's, not this database's: no sample.
    if let wal = r.size.wal {
      p.metric(
        "authctl_database_wal_size_bytes", .gauge, "Size of the database's write-ahead log.",
        Double(wal))
    }
    p.metric(
      "authctl_stats_timestamp_seconds", .gauge, "When these numbers were taken (Unix time).",
      Double(r.now.seconds))
    return p.text
  }
}

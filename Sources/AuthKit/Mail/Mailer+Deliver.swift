extension Mailer {
  /// Delivers queued messages: `ids` (those a flow just queued), else every due one (`all`:
  /// every queued one, backoff or not). Each message is marked in its own small transaction
  /// after the server's final reply, so a kill in between may send it twice, never lose it.
  /// Never throws for a mail problem: they are recorded on the message and reported.
  public func deliver(_ store: any Store, ids: [Int64]? = nil, all: Bool = false) throws
    -> DeliveryReport
  {
    let now = clock.now()
    let candidates = try store.read { tx in
      guard let ids else { return try tx.dueMessages(now: now, all: all).map(\.id) }
      return ids
    }
    var report = DeliveryReport(destination: destination)
    if case .mailbox(let path) = transport { report.mailboxPath = path }
    guard !candidates.isEmpty else { return report }
    let progress = observer.progress("delivering", total: candidates.count)
    defer { progress.finish() }
    // Several flushers (on several hosts) share the queue: each takes a batch of messages no
    // other holds (`Store.claimMessages`), reads them afresh — one another flusher finished
    // or deferred meanwhile is left alone — delivers them, and lets them go.
    let batch = Self.claimBatch * max(1, ids == nil ? settings.mailConnections : 1)
    var offset = 0
    while offset < candidates.count {
      let chunk = Array(candidates[offset..<min(offset + batch, candidates.count)])
      let claimed = try store.claimMessages(chunk)
      defer { store.releaseMessages(claimed) }
      let items = try store.read { tx in
        try claimed.compactMap { try tx.outboxItem(id: $0) }.filter {
          $0.status == "queued" && (ids != nil || all || $0.nextAttemptAt <= now)
        }
      }
      let completed = try deliver(
        store, items, &report, progress, offset: offset, flush: ids == nil)
      offset += chunk.count
      if !completed {
        // The connection broke: the rest stay queued and due, for the next run.
        report.untried += candidates.count - offset
        break
      }
    }
    return report
  }

  /// How many messages a flusher claims at a time for each of its connections: small enough
  /// that several flushers share a long queue.
  static let claimBatch = 50

  /// Delivers `items` (claimed, still queued) through the transport (`flush`: a `mail flush`,
  /// which may use several SMTP connections); false when the SMTP server went away and the
  /// run should stop.
  func deliver(
    _ store: any Store, _ items: [OutboxItem], _ report: inout DeliveryReport,
    _ progress: any ProgressDisplay, offset: Int, flush: Bool
  ) throws -> Bool {
    guard !items.isEmpty else { return true }
    let now = clock.now()
    switch transport {
    case .suppressed:
      for item in items {
        try store.write { try $0.markSuppressed(id: item.id, at: now) }
        report.suppressed += 1
      }
    case .mailbox(let path):
      let mailbox = Mailbox(path: path, database: store.file)
      for (n, item) in items.enumerated() {
        progress.update(offset + n)
        let sender = try senders()[0]
        do {
          // A local file has no transport limit on 8-bit text: UTF-8 bodies stay as they are.
          let bytes = try message(item, from: sender.description).render(
            from: sender, eightBit: true)
          try mailbox.append(bytes, envelopeFrom: sender.address, date: clock.now().seconds)
          try markSent(store, item, &report)
        } catch let error as MailError {
          // A header that cannot be written never will be: failed, not retried forever.
          if case .headerInjection = error {
            try fail(store, item, error.message, &report)
          } else if case .invalidSender = error {
            try fail(store, item, error.message, &report)
          } else {
            try deferItem(store, item, error.message, &report)
          }
        }
      }
    case .smtp(let smtp):
      // Parallel connections are for `mail flush`; a flow's own messages take one.
      let untried = report.untried
      report = try SMTPDelivery(
        mailer: self, store: store, items: items, settings: smtp,
        maxPerConnection: settings.mailMaxEmails,
        connections: flush ? settings.mailConnections : 1, report: report,
        progress: OffsetProgress(progress, offset: offset)
      ).run()
      // Messages no connection reached: the server went away, the run stops.
      return report.untried == untried
    }
    return true
  }

  func message(_ item: OutboxItem, from: String) -> MailMessage {
    MailMessage(
      from: from, to: item.recipient, subject: item.subject, body: item.body ?? "",
      date: clock.now().seconds, messageID: item.messageID)
  }

  func markSent(_ store: any Store, _ item: OutboxItem, _ report: inout DeliveryReport) throws {
    try store.write { try $0.markSent(id: item.id, at: clock.now()) }
    report.delivered.append((item.id, item.recipient))
  }

  /// A temporary failure: the message stays queued with its error and a next-attempt time,
  /// unless that was its last attempt (`Mailer.maxAttempts`): then it fails for good.
  func deferItem(
    _ store: any Store, _ item: OutboxItem, _ error: String, _ report: inout DeliveryReport
  ) throws {
    if item.attempts + 1 >= Self.maxAttempts {
      try fail(store, item, "gave up after \(Self.maxAttempts) attempts: \(error)", &report)
      return
    }
    let next = clock.now() + Self.backoff(afterAttempts: item.attempts + 1)
    try record(store, item, error, event: "mail.deferred") {
      try $0.markDeferred(id: item.id, error: error, next: next)
    }
    report.deferred.append(.init(id: item.id, to: item.recipient, error: error))
  }

  /// A permanent failure (5xx, or the last attempt): the message is marked failed with the
  /// server's reply and its body is forgotten, in the same small transaction as the audit.
  func fail(_ store: any Store, _ item: OutboxItem, _ error: String, _ report: inout DeliveryReport)
    throws
  {
    try record(store, item, error, event: "mail.failed") {
      try $0.markFailed(id: item.id, error: error)
    }
    report.failed.append(.init(id: item.id, to: item.recipient, error: error))
  }

  /// Marks the message (`mark`) and records the failure's audit event, in one small transaction.
  private func record(
    _ store: any Store, _ item: OutboxItem, _ error: String, event: String,
    _ mark: (any StoreTransaction) throws -> Void
  ) throws {
    try store.write { tx in
      try mark(tx)
      try tx.record(
        AuditEvent(
          at: clock.now(), event: event, userID: item.userID,
          email: item.recipient, ok: false, reason: error, detail: item.kind))
    }
  }
}

/// A batch's progress shown as part of the whole run's: `update(n)` is `offset + n` of it;
/// the run, not the batch, finishes the line.
final class OffsetProgress: ProgressDisplay {
  let base: any ProgressDisplay
  let offset: Int

  init(_ base: any ProgressDisplay, offset: Int) {
    self.base = base
    self.offset = offset
  }

  func update(_ done: Int) { base.update(offset + done) }

  func working() { base.working() }

  func finish() {}
}

extension Mailer {
  /// Delivers queued messages: `ids` (those a flow just queued), else every due one (`all`:
  /// every queued one, backoff or not). Each message is marked in its own small transaction
  /// after the server's final reply, so a kill in between may send it twice, never lose it.
  /// Never throws for a mail problem: they are recorded on the message and reported.
  public func deliver(_ store: any Store, ids: [Int64]? = nil, all: Bool = false) throws
    -> DeliveryReport
  {
    let now = clock.now()
    let items = try store.read { tx in
      guard let ids else { return try tx.dueMessages(now: Timestamp.format(now), all: all) }
      return try ids.compactMap { try tx.outboxItem(id: $0) }.filter { $0.status == "queued" }
    }
    var report = DeliveryReport(destination: destination)
    if case .mailbox(let path) = transport { report.mailboxPath = path }
    guard !items.isEmpty else { return report }
    let progress = observer.progress("delivering", total: items.count)
    defer { progress.finish() }
    switch transport {
    case .suppressed:
      for item in items {
        try store.write { try $0.markSuppressed(id: item.id, at: Timestamp.format(now)) }
        report.suppressed += 1
      }
    case .mailbox(let path):
      let mailbox = Mailbox(path: path, database: store.file)
      for (n, item) in items.enumerated() {
        progress.update(n)
        let sender = try senders()[0]
        do {
          let bytes = try message(item, from: sender).render()
          try mailbox.append(bytes, envelopeFrom: sender, date: clock.now())
          try markSent(store, item, &report)
        } catch let error as MailError {
          // A header that cannot be written never will be: failed, not retried forever.
          if case .headerInjection = error {
            try fail(store, item, error.message, &report)
          } else {
            try deferItem(store, item, error.message, &report)
          }
        }
      }
    case .smtp(let smtp):
      try deliverSMTP(store, items, smtp, &report, progress)
    }
    return report
  }

  func message(_ item: OutboxItem, from: String) -> MailMessage {
    MailMessage(
      from: from, to: item.recipient, subject: item.subject, body: item.body ?? "",
      date: clock.now(), messageID: item.messageID)
  }

  func markSent(_ store: any Store, _ item: OutboxItem, _ report: inout DeliveryReport) throws {
    try store.write { try $0.markSent(id: item.id, at: Timestamp.format(clock.now())) }
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
      try $0.markDeferred(id: item.id, error: error, next: Timestamp.format(next))
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
          at: Timestamp.format(clock.now()), event: event, userID: item.userID,
          email: item.recipient, ok: false, reason: error, detail: item.kind))
    }
  }

  /// One connection carries up to `MAIL_MAX_EMAILS` messages (RSET between); a broken
  /// connection stops the run, leaving the rest queued and due.
  func deliverSMTP(
    _ store: any Store, _ items: [OutboxItem], _ smtp: SMTPSettings,
    _ report: inout DeliveryReport, _ progress: any ProgressDisplay
  ) throws {
    let maxPerConnection = max(1, settings.mailMaxEmails)
    var client: SMTPClient?
    var onConnection = 0
    var refusedSenders: Set<String> = []
    defer { client?.quit() }
    for (n, item) in items.enumerated() {
      progress.update(n)
      if client == nil || onConnection >= maxPerConnection {
        client?.quit()
        let c = SMTPClient(settings: smtp, transcript: observer.transcript)
        do throws(MailError) {
          try c.connect()
        } catch {
          // The server cannot be reached or refuses us: nothing is sent; every message stays
          // queued (a TLS or certificate problem is fixed in the configuration, then flushed).
          try deferItem(store, item, error.message, &report)
          report.untried += items.count - n - 1
          client = nil
          return
        }
        client = c
        onConnection = 0
      }
      var senders = try self.senders().filter { !refusedSenders.contains($0) }
      if senders.isEmpty { senders = try self.senders() }
      var outcome: MailError?
      for sender in senders {
        do throws(MailError) {
          _ = try client!.send(
            from: sender, to: [item.recipient], message: message(item, from: sender).render())
          outcome = nil
          break
        } catch {
          outcome = error
          if case .rejected(.mailFrom, let reply) = error, reply.code >= 500 {
            refusedSenders.insert(sender)
            continue
          }
          break
        }
      }
      onConnection += 1
      guard let error = outcome else {
        try markSent(store, item, &report)
        continue
      }
      switch error {
      case .rejected(_, let reply) where reply.code >= 500:
        try fail(store, item, "\(reply.code) \(reply.text)", &report)
      case .rejected:
        try deferItem(store, item, error.message, &report)
      case .headerInjection:
        try fail(store, item, error.message, &report)
      default:
        // Timeout or dropped connection mid-message: the server may or may not have it.
        try deferItem(store, item, error.message, &report)
        report.untried += items.count - n - 1
        client = nil
        return
      }
    }
  }
}

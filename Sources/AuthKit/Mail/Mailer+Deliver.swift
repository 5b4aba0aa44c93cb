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
      guard let ids else { return try tx.dueMessages(now: now, all: all) }
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
        try store.write { try $0.markSuppressed(id: item.id, at: now) }
        report.suppressed += 1
      }
    case .mailbox(let path):
      let mailbox = Mailbox(path: path, database: store.file)
      for (n, item) in items.enumerated() {
        progress.update(n)
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
      report = try SMTPDelivery(
        mailer: self, store: store, items: items, settings: smtp,
        maxPerConnection: settings.mailMaxEmails,
        connections: ids == nil ? settings.mailConnections : 1, report: report,
        progress: progress
      ).run()
    }
    return report
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

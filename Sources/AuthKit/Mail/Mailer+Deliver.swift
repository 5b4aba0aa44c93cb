extension Mailer {
  /// Delivers queued messages: `ids` (those a flow just queued), else every due one (`all`:
  /// every queued one, backoff or not). Each message is marked in its own small transaction
  /// after the server's final reply, so a kill in between may send it twice, never lose it.
  /// Never throws for a mail problem: they are recorded on the message and reported.
  public func deliver(_ db: Connection, ids: [Int64]? = nil, all: Bool = false) throws
    -> DeliveryReport
  {
    let now = clock.now()
    let items = try db.read {
      try OutboxStore.due(db, now: Timestamp.format(now), all: all, ids: ids)
    }
    var report = DeliveryReport(destination: destination)
    if case .mailbox(let path) = transport { report.mailboxPath = path }
    guard !items.isEmpty else { return report }
    let progress = Progress("delivering", total: items.count)
    defer { progress.finish() }
    switch transport {
    case .suppressed:
      for item in items {
        try db.write { try OutboxStore.markSuppressed(db, id: item.id, at: Timestamp.format(now)) }
        report.suppressed += 1
      }
    case .mailbox(let path):
      let mailbox = Mailbox(path: path, database: db.file)
      for (n, item) in items.enumerated() {
        progress.update(n)
        let sender = try senders()[0]
        do {
          // A local file has no transport limit on 8-bit text: UTF-8 bodies stay as they are.
          let bytes = try message(item, from: sender.description).render(
            from: sender, eightBit: true)
          try mailbox.append(bytes, envelopeFrom: sender.address, date: clock.now())
          try markSent(db, item, &report)
        } catch let error as MailError {
          // A header that cannot be written never will be: failed, not retried forever.
          if case .headerInjection = error {
            try fail(db, item, error.message, &report)
          } else if case .invalidSender = error {
            try fail(db, item, error.message, &report)
          } else {
            try deferItem(db, item, error.message, &report)
          }
        }
      }
    case .smtp(let settings):
      // Parallel connections are for `mail flush`; a flow's own messages take one.
      report = try SMTPDelivery(
        mailer: self, db: db, items: items, settings: settings,
        maxPerConnection: config.int("MAIL_MAX_EMAILS"),
        connections: ids == nil ? config.int("MAIL_CONNECTIONS") : 1, report: report,
        progress: progress
      ).run()
    }
    return report
  }

  func message(_ item: OutboxItem, from: String) -> MailMessage {
    MailMessage(
      from: from, to: item.recipient, subject: item.subject, body: item.body ?? "",
      date: clock.now(), messageID: item.messageID)
  }

  func markSent(_ db: Connection, _ item: OutboxItem, _ report: inout DeliveryReport) throws {
    try db.write { try OutboxStore.markSent(db, id: item.id, at: Timestamp.format(clock.now())) }
    report.delivered.append((item.id, item.recipient))
  }

  /// A temporary failure: the message stays queued with its error and a next-attempt time,
  /// unless that was its last attempt (`OutboxStore.maxAttempts`): then it fails for good.
  func deferItem(
    _ db: Connection, _ item: OutboxItem, _ error: String, _ report: inout DeliveryReport
  ) throws {
    if item.attempts + 1 >= OutboxStore.maxAttempts {
      try fail(db, item, "gave up after \(OutboxStore.maxAttempts) attempts: \(error)", &report)
      return
    }
    let next = clock.now() + OutboxStore.backoff(afterAttempts: item.attempts + 1)
    try record(db, item, error, event: "mail.deferred") {
      try OutboxStore.markDeferred(db, id: item.id, error: error, next: Timestamp.format(next))
    }
    report.deferred.append(.init(id: item.id, to: item.recipient, error: error))
  }

  /// A permanent failure (5xx, or the last attempt): the message is marked failed with the
  /// server's reply and its body is forgotten, in the same small transaction as the audit.
  func fail(_ db: Connection, _ item: OutboxItem, _ error: String, _ report: inout DeliveryReport)
    throws
  {
    try record(db, item, error, event: "mail.failed") {
      try OutboxStore.markFailed(db, id: item.id, error: error)
    }
    report.failed.append(.init(id: item.id, to: item.recipient, error: error))
  }

  /// Marks the message (`mark`) and records the failure's audit event, in one small transaction.
  private func record(
    _ db: Connection, _ item: OutboxItem, _ error: String, event: String,
    _ mark: () throws -> Void
  ) throws {
    try db.write {
      try mark()
      try AuditLog.record(
        db,
        AuditEvent(
          at: Timestamp.format(clock.now()), event: event, userID: item.userID,
          email: item.recipient, ok: false, reason: error, detail: item.kind))
    }
  }
}

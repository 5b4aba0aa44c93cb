extension Outbox {
  /// Delivers queued messages: `ids` (those a flow just queued), else every due one (`all`:
  /// every queued one, backoff or not). Each channel's messages go to its notifier, oldest
  /// first; a channel with no notifier leaves its messages queued (`DeliveryReport.unrouted`).
  /// Each message is marked in its own small transaction after the peer's final answer, so a
  /// kill in between may send it twice, never lose it. Never throws for a delivery problem:
  /// they are recorded on the message and reported.
  public func deliver(_ store: any Store, ids: [Int64]? = nil, all: Bool = false) throws
    -> DeliveryReport
  {
    let now = clock.now()
    let byChannel: [(NotificationChannel, [Int64])] = try store.read { tx in
      let given = try ids.map { try $0.compactMap { try tx.outboxItem(id: $0) } }
      return try NotificationChannel.allCases.compactMap { channel in
        let items =
          try given?.filter { $0.channel == channel }
          ?? tx.dueMessages(now: now, all: all, channel: channel)
        return items.isEmpty ? nil : (channel, items.map(\.id))
      }
    }
    var report = DeliveryReport(destination: destination)
    if let mailbox = notifiers[.mail] as? MailboxNotifier { report.mailboxPath = mailbox.path }
    let total = byChannel.reduce(0) { $0 + $1.1.count }
    guard total > 0 else { return report }
    let progress = observer.progress("delivering", total: total)
    defer { progress.finish() }
    let recorder = DeliveryRecorder(
      store: store, clock: clock, progress: progress, report: report,
      hooks: settings.hookProgram != nil)
    for (channel, candidates) in byChannel {
      guard let notifier = notifiers[channel] else {
        recorder.unrouted(channel, candidates.count)
        continue
      }
      try deliver(store, candidates, notifier, recorder, ids == nil && !all ? now : nil)
    }
    let done = recorder.report
    // Each deferral and failure recorded one audit event, queued for the hook when it is set.
    if settings.hookProgram != nil { hookEventsQueued += done.deferred.count + done.failed.count }
    return done
  }

  /// Hands `candidates` to `notifier` batch by batch. Several flushers (on several hosts)
  /// share the queue: each takes a batch of messages no other holds (`Store.claimMessages`),
  /// reads them afresh — one another flusher finished or deferred meanwhile is left alone
  /// (`dueAt`: still due at that time) — delivers them, and lets them go. A batch that leaves
  /// a message unfinished (the connection broke) ends the channel's run: the rest stay queued
  /// and due, for the next one.
  private func deliver(
    _ store: any Store, _ candidates: [Int64], _ notifier: any Notifier,
    _ recorder: DeliveryRecorder, _ dueAt: Instant?
  ) throws {
    let size = max(1, notifier.batchSize)
    defer { notifier.endRun() }
    var offset = 0
    while offset < candidates.count {
      let chunk = Array(candidates[offset..<min(offset + size, candidates.count)])
      let claimed = try store.claimMessages(chunk)
      defer { store.releaseMessages(claimed) }
      let items = try store.read { tx in
        try claimed.compactMap { try tx.outboxItem(id: $0) }.filter { item in
          item.status == "queued" && dueAt.map { item.nextAttemptAt <= $0 } ?? true
        }
      }
      offset += chunk.count
      guard !items.isEmpty else { continue }
      recorder.begin()
      try notifier.deliver(items, to: recorder)
      let unfinished = recorder.unfinished(items)
      if unfinished > 0 {
        recorder.addUntried(unfinished + candidates.count - offset)
        return
      }
    }
  }
}

/// What one delivery run did.
public struct DeliveryReport: Sendable {
  public struct Problem: Sendable {
    public var id: Int64
    public var to: String
    public var error: String
    /// The channel of `to` (a chat id on Telegram).
    public var channel: NotificationChannel = .mail
  }
  /// Where the mail went: "the mailbox PATH", "HOST:PORT", or "nowhere (MAIL_SUPPRESS_SEND)".
  public var destination: String
  /// The local mailbox the messages went to, when that is the transport.
  public var mailboxPath: String?
  public var delivered: [(id: Int64, to: String, channel: NotificationChannel)] = []
  public var suppressed = 0
  /// Temporary failures: still queued, with a next-attempt time.
  public var deferred: [Problem] = []
  /// Permanent failures (5xx): marked failed with the server's reply.
  public var failed: [Problem] = []
  /// Due messages not tried because the connection broke; still queued and due.
  public var untried = 0
  /// Extra connections (MAIL_CONNECTIONS) that could not be opened while another carried on.
  public var connectionProblems: [String] = []
  /// The channels the run queued messages on (a code sent to Telegram, not mail).
  public var queuedChannels: Set<NotificationChannel> = []
  /// Messages of a channel no notifier is configured for: still queued.
  public var unrouted: [(channel: NotificationChannel, count: Int)] = []

  public init(destination: String) { self.destination = destination }

  /// Adds what another delivery run did.
  mutating func add(_ other: DeliveryReport) {
    if mailboxPath == nil { mailboxPath = other.mailboxPath }
    delivered += other.delivered
    suppressed += other.suppressed
    deferred += other.deferred
    failed += other.failed
    untried += other.untried
    unrouted += other.unrouted
    queuedChannels.formUnion(other.queuedChannels)
  }
}

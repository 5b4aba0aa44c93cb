import Synchronization

/// One delivery run over SMTP: the due messages in one queue, taken in order by up to
/// `connections` connections side by side (`Threads`), each carrying up to `maxPerConnection`
/// messages before it reconnects, each pipelined when the server offers it
/// (`SMTPClient.run`). Connections the notifier kept open from the run's previous batch are
/// taken first, and one that ends this batch with room left is kept for the next
/// (`SMTPNotifier.idle`).
///
/// Every outcome is recorded under one lock right after the server's reply: a message is
/// marked sent in its own small transaction after the final 250 (DESIGN.md, "Transactions and
/// I/O"), so a kill in between may send it once more, never lose it.
///
/// Failures keep their meaning from one connection: a refusal ends that message (5xx failed,
/// 4xx deferred) and the next follows; a sender refused for good (`refusesSender`) is skipped
/// for the rest of the run and the message goes out from the next sender of the pool; a
/// timeout or a broken connection defers the message it hit and stops the run, leaving the
/// rest queued and due. A connection that cannot be opened stops the run too, recording why on
/// the next message — unless another connection is up: then it is reported and that
/// connection carries on alone.
final class SMTPDelivery: @unchecked Sendable {
  let notifier: SMTPNotifier
  let composer: MailComposer
  let items: [OutboxItem]
  let settings: SMTPSettings
  let maxPerConnection: Int
  let connections: Int
  let observer: any Observer
  /// Marks each message in the store as its outcome comes.
  let recorder: DeliveryRecorder

  private struct State {
    var next = 0
    var stopped = false
    var connected = 0
    var done = 0
    /// Sender addresses refused for good during this run.
    var refused: Set<String> = []
    /// A store error on a worker thread: the run stops and `run` throws it.
    var failure: (any Error)?
  }
  private let state: Mutex<State>
  /// The first connection, opened before the others (`run`), with the messages it carried.
  private var firstClient: (client: SMTPClient, carried: Int)?

  init(notifier: SMTPNotifier, items: [OutboxItem], connections: Int, recorder: DeliveryRecorder) {
    self.notifier = notifier
    composer = notifier.composer
    self.items = items
    settings = notifier.settings
    maxPerConnection = max(1, notifier.maxPerConnection)
    self.connections = max(1, min(connections, items.count))
    observer = notifier.observer
    self.recorder = recorder
    state = Mutex(State())
  }

  /// Delivers every message it can, each outcome told to the recorder; the messages no
  /// connection reached are left unreported (untried).
  func run() throws {
    // The first connection is opened before any other, so a server that is down costs one
    // deferred message, as with one connection.
    if let first = reuse() ?? connect(0).map({ ($0, 0) }) {
      // Set before the threads start and taken by the calling thread's own body only.
      firstClient = first
      Threads.run(connections) { index in
        self.work(index, client: index == 0 ? self.firstClient : nil)
      }
      firstClient = nil
    }
    try state.withLock { s in
      if let failure = s.failure { throw failure }
    }
  }

  /// One connection's loop: (re)connect, carry messages, until the queue is empty or the run
  /// stops. A connection with room left when the queue is empty is kept for the run's next
  /// batch.
  private func work(_ index: Int, client first: (client: SMTPClient, carried: Int)?) {
    var session = first
    while let (c, before) = session ?? reuse() ?? connect(index).map({ ($0, 0) }) {
      session = nil
      let broke: Bool
      let carried: Int
      do {
        (broke, carried) = try carry(c, carried: before)
      } catch {
        state.withLock { s in
          if s.failure == nil { s.failure = error }
          s.stopped = true
          s.connected -= 1
        }
        c.quit()
        return
      }
      let stopped = state.withLock { s in
        s.connected -= 1
        return s.stopped
      }
      if broke { return }
      if carried < maxPerConnection && !stopped {
        notifier.idle.withLock { $0.append(.init(client: c, carried: carried)) }
        return
      }
      c.quit()
      guard state.withLock({ !$0.stopped && $0.next < items.count }) else { return }
    }
  }

  /// A connection the run's previous batch left open, or nil.
  private func reuse() -> (SMTPClient, Int)? {
    guard state.withLock({ !$0.stopped && $0.next < items.count }) else { return nil }
    guard let session = notifier.idle.withLock({ $0.popLast() }) else { return nil }
    state.withLock { $0.connected += 1 }
    return (session.client, session.carried)
  }

  /// A new session, or nil when the run is over or the connection failed (then recorded as
  /// the type comment says).
  private func connect(_ index: Int) -> SMTPClient? {
    guard state.withLock({ !$0.stopped && $0.next < items.count }) else { return nil }
    let client = SMTPClient(settings: settings, transcript: transcript(index))
    do throws(MailError) {
      try client.connect()
      state.withLock { $0.connected += 1 }
      return client
    } catch {
      state.withLock { s in
        if s.connected > 0 {
          recorder.connectionProblem(
            "connection \(index + 1) of \(connections): \(error.message)")
          return
        }
        // The server cannot be reached or refuses us: nothing is sent; every message stays
        // queued (a TLS or certificate problem is fixed in the configuration, then flushed).
        s.stopped = true
        guard s.next < items.count else { return }
        let item = items[s.next]
        s.next += 1
        do {
          try record(&s, item, .deferred(reason: error.message))
        } catch let failure {
          s.failure = failure
        }
      }
      return nil
    }
  }

  /// The transcript (MAIL_DEBUG) to the observer; with several connections each line names
  /// its connection.
  private func transcript(_ index: Int) -> (String) -> Void {
    let observer = self.observer
    guard connections > 1 else { return observer.transcript }
    return { observer.transcript("[\(index + 1)] \($0)") }
  }

  /// A message on its way: the senders left to try for it after `sender`.
  private struct Attempt {
    var item: OutboxItem
    var sender: MailSender
    var rest: [MailSender]
  }

  /// Carries messages over `client` until it has carried `maxPerConnection` in all (`carried`
  /// before this batch) or the queue is empty; returns whether the connection broke, and the
  /// count.
  private func carry(_ client: SMTPClient, carried before: Int) throws -> (Bool, Int) {
    var carried = before
    var sent: [Attempt] = []  // given to the client, results still to come, in order
    // Messages to try again from their next sender (more than one when pipelining: a message
    // given before a sender was found refused may draw it too).
    var retries: [(item: OutboxItem, senders: [MailSender])] = []
    var broke = false
    try client.run {
      while true {
        let item: OutboxItem
        var senders: [MailSender]
        if !retries.isEmpty {
          (item, senders) = retries.removeFirst()
          let refused = state.withLock { $0.refused }
          let left = senders.filter { !refused.contains($0.address) }
          if !left.isEmpty { senders = left }
        } else {
          guard carried < maxPerConnection, let taken = take() else { return nil }
          carried += 1
          item = taken
          let all = try composer.senders()
          let refused = state.withLock { $0.refused }
          senders = all.filter { !refused.contains($0.address) }
          if senders.isEmpty { senders = all }
        }
        let sender = senders.removeFirst()
        do throws(MailError) {
          let bytes = try composer.message(item, from: sender.description)
            .render(from: sender, eightBit: client.offers8BitMIME)
          sent.append(Attempt(item: item, sender: sender, rest: senders))
          return SMTPTransaction(from: sender.address, to: [item.recipient], message: bytes)
        } catch {
          // A header that cannot be written never will be: failed, not retried.
          try finish(item, .failure(error))
        }
      }
    } result: { _, outcome in
      let attempt = sent.removeFirst()
      if case .failure(let error) = outcome, Self.refusesSender(error) {
        state.withLock { _ = $0.refused.insert(attempt.sender.address) }
        if !attempt.rest.isEmpty {
          retries.append((attempt.item, attempt.rest))
          return
        }
      }
      if try finish(attempt.item, outcome) { broke = true }
    }
    return (broke, carried)
  }

  /// The next message of the queue, or nil when it is empty or the run stopped.
  private func take() -> OutboxItem? {
    state.withLock { s in
      guard !s.stopped, s.next < items.count else { return nil }
      s.next += 1
      return items[s.next - 1]
    }
  }

  /// Records a message's outcome; true when the error broke the connection (the run stops).
  @discardableResult
  private func finish(_ item: OutboxItem, _ outcome: Result<SMTPReply, MailError>) throws -> Bool {
    try state.withLock { (s) throws -> Bool in
      switch outcome {
      case .success:
        try record(&s, item, .sent)
        return false
      case .failure(.rejected(_, let reply)) where reply.code >= 500:
        try record(&s, item, .failed(reason: "\(reply.code) \(reply.text)"))
        return false
      case .failure(let error):
        switch error {
        case .rejected:
          try record(&s, item, .deferred(reason: error.message))
          return false
        case .headerInjection, .invalidSender:
          try record(&s, item, .failed(reason: error.message))
          return false
        default:
          // Timeout or dropped connection mid-message: the server may or may not have it.
          try record(&s, item, .deferred(reason: error.message))
          s.stopped = true
          return true
        }
      }
    }
  }

  /// Tells the recorder `item`'s outcome inside the lock (so marks keep the replies' order)
  /// and counts the message done. A store error stops the run.
  private func record(_ s: inout State, _ item: OutboxItem, _ outcome: DeliveryOutcome) throws {
    do {
      try recorder.record(item, outcome)
    } catch {
      s.stopped = true
      throw error
    }
    s.done += 1
  }

  /// Whether `error` refuses the sender rather than the message: a 5xx to MAIL FROM, or a 5xx
  /// to RCPT TO that names the sender (`SMTPReply.namesSender`), as Postfix gives with
  /// `smtpd_delay_reject=yes` (its default), which holds sender restrictions until RCPT TO.
  static func refusesSender(_ error: MailError) -> Bool {
    guard case .rejected(let stage, let reply) = error, reply.code >= 500 else { return false }
    return stage == .mailFrom || (stage == .rcptTo && reply.namesSender)
  }
}

/// The notification port (DESIGN.md, "Layers and ports"): one channel's way of delivering the
/// outbox's messages. The outbox (`Outbox`) queues a message in the flow's transaction, then,
/// after the commit, hands each channel's due messages to that channel's notifier, batch by
/// batch, and applies each outcome to the store.
///
/// Implementations: `SMTPNotifier`, `MailboxNotifier`, `SuppressedNotifier` (mail). A new
/// channel is one more, with a `NotificationChannel` case; the flows do not change.
public protocol Notifier: AnyObject {
  var channel: NotificationChannel { get }
  /// Where it delivers, for reports: "the mailbox PATH", "HOST:PORT", "nowhere
  /// (MAIL_SUPPRESS_SEND)".
  var destination: String { get }
  /// How many messages the outbox claims and hands over at a time (`Store.claimMessages`).
  var batchSize: Int { get }

  /// Checks a notification before it is queued for `address` — refusing, with the flow's whole
  /// change, what this channel could never deliver (a line break in a mail header) — and
  /// returns the id the message will carry (a mail's Message-ID).
  func admit(_ notice: Notice, to address: String) throws -> String

  /// Delivers `batch` (claimed messages of this channel, still queued, oldest first) and
  /// tells `outcomes` what became of each as soon as it is final — so each is marked in its
  /// own small transaction right after the peer's answer, and a kill loses none (DESIGN.md,
  /// "Transactions and I/O" 3). A message it never reports stays queued, counted untried, and
  /// the outbox stops this channel's run. Throws only what `outcomes` threw (the store failed).
  func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws

  /// The channel's run is over (its last batch was delivered, or the run stopped): closes
  /// what `deliver` kept open from one batch to the next (SMTP's connections).
  func endRun()
}

extension Notifier {
  public var batchSize: Int { Outbox.claimBatch }

  public func endRun() {}

  public func admit(_ notice: Notice, to address: String) throws -> String {
    Hex.encode(try Random.bytes(16))
  }
}

/// Queues notifications in the outbox inside a flow's transaction and, after the commit, hands
/// each channel's messages to its `Notifier` and applies the outcomes (issue 4; DESIGN.md
/// "Transactions and I/O"). The delivery side is `Outbox+Deliver.swift`.
public final class Outbox {
  public let settings: Settings
  public let clock: Clock
  public let notifiers: Notifiers
  /// Hears the progress of a delivery.
  public let observer: any Observer
  /// Hook events its deliveries' audit records queued (`mail.deferred`, `mail.failed`, …).
  public internal(set) var hookEventsQueued = 0

  public init(settings: Settings, clock: Clock, observer: any Observer, notifiers: Notifiers) {
    self.settings = settings
    self.clock = clock
    self.observer = observer
    self.notifiers = notifiers
  }

  /// Where mail goes, for messages to a person.
  public var destination: String {
    notifiers[.mail]?.destination ?? "nowhere (no mail notifier)"
  }

  /// Lets the channel's notifier check the draft (mail: `MailError.headerInjection`, exit 65),
  /// applies the flood guard (`MailError.floodGuard`, exit 75, nothing queued; counted per
  /// channel and address, a mailbox once: `RecipientKey`) and queues it. Call inside the
  /// flow's write transaction, so a refusal rolls the whole change back.
  @discardableResult
  public func enqueue(_ tx: any StoreTransaction, _ draft: NotificationDraft) throws -> Int64 {
    let messageID: String
    if let notifier = notifiers[draft.channel] {
      messageID = try notifier.admit(draft.notice, to: draft.address)
    } else {
      messageID = Hex.encode(try Random.bytes(16))
    }
    let now = clock.now()
    let limit = settings.mailPerHour
    let recent = try tx.messageCount(
      channel: draft.channel, recipient: draft.address, since: now - .seconds(3600))
    if recent >= limit {
      let key = RecipientKey.of(draft.address)
      let counted = key == draft.address ? key : "\(draft.address) (counted as \(key))"
      throw MailError.floodGuard(recipient: counted, limit: limit)
    }
    return try tx.enqueueMessage(
      userID: draft.userID, kind: draft.kind, channel: draft.channel, recipient: draft.address,
      subject: draft.notice.subject, body: draft.notice.text, messageID: messageID,
      now: now)
  }
}

/// Mail into a local mbox file (no `MAIL_SERVER`): each message appended and synced, then
/// marked sent. A local file has no transport limit on 8-bit text: UTF-8 bodies stay as they
/// are.
public final class MailboxNotifier: Notifier {
  public let composer: MailComposer
  public let mailbox: Mailbox

  public init(composer: MailComposer, mailbox: Mailbox) {
    self.composer = composer
    self.mailbox = mailbox
  }

  public var channel: NotificationChannel { .mail }
  public var path: String { mailbox.path }
  public var destination: String { "the mailbox \(path)" }

  /// The database path with its extension replaced by `.mbox` (`x.sqlite` → `x.mbox`); for a
  /// PostgreSQL store, which has no file, `authctl.mbox` in the current folder.
  public static func path(forDatabase path: String) -> String {
    if StoreLocation(path).isPostgres { return "authctl.mbox" }
    let slash = path.lastIndex(of: "/")
    if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true,
      dot != path.startIndex, path[path.index(before: dot)] != "/"
    {
      return String(path[..<dot]) + ".mbox"
    }
    return path + ".mbox"
  }

  public func admit(_ notice: Notice, to address: String) throws -> String {
    try composer.admit(notice, to: address)
  }

  public func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws {
    for item in batch {
      let outcome: DeliveryOutcome
      do {
        let sender = try composer.senders()[0]
        let bytes = try composer.message(item, from: sender.description).render(
          from: sender, eightBit: true)
        try mailbox.append(
          bytes, envelopeFrom: sender.address, date: composer.clock.now().seconds)
        outcome = .sent
      } catch let error as MailError {
        switch error {
        // A header that cannot be written never will be: failed, not retried forever.
        case .headerInjection, .invalidSender: outcome = .failed(reason: error.message)
        default: outcome = .deferred(reason: error.message)
        }
      }
      try outcomes.record(item, outcome)
    }
  }
}

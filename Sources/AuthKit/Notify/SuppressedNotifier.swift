/// A channel switched off (`MAIL_SUPPRESS_SEND`): every message is marked suppressed, nothing
/// is sent, and the body is forgotten as after a delivery. Drafts are still checked as the
/// channel's real notifier would (`admitting`), so a test run refuses what production would.
public final class SuppressedNotifier: Notifier {
  public let channel: NotificationChannel
  private let admitting: (Notice, String) throws -> String

  public init(
    channel: NotificationChannel,
    admitting: @escaping (Notice, String) throws -> String = { _, _ in
      Hex.encode(try Random.bytes(16))
    }
  ) {
    self.channel = channel
    self.admitting = admitting
  }

  public var destination: String {
    channel == .mail ? "nowhere (MAIL_SUPPRESS_SEND)" : "nowhere (\(channel.rawValue) suppressed)"
  }

  public func admit(_ notice: Notice, to address: String) throws -> String {
    try admitting(notice, address)
  }

  public func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws {
    for item in batch { try outcomes.record(item, .suppressed) }
  }
}

/// A notification a flow wants sent, before it is queued: what (`notice`, of `kind`), to
/// whom (`address` on `channel`) and for which account.
public struct NotificationDraft: Sendable {
  public var kind: String
  public var userID: String?
  public var channel: NotificationChannel
  /// The recipient on `channel`: an email address for mail.
  public var address: String
  public var notice: Notice

  public init(
    kind: String, userID: String?, channel: NotificationChannel = .mail, address: String,
    notice: Notice
  ) {
    self.kind = kind
    self.userID = userID
    self.channel = channel
    self.address = address
    self.notice = notice
  }
}

/// A way a notification reaches a person: the `channel` column of an outbox row, whose
/// `recipient` is an address on that channel (an email for `mail`, a chat id for `telegram`).
/// A new channel is a case here, one `Notifier` and its rendering of a `Notice`.
public enum NotificationChannel: String, Sendable, CaseIterable {
  case mail, telegram
}

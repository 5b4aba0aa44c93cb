/// The notifier of each configured channel.
public struct Notifiers {
  private var byChannel: [NotificationChannel: any Notifier] = [:]

  public init(_ notifiers: [any Notifier] = []) {
    for n in notifiers { byChannel[n.channel] = n }
  }

  public subscript(channel: NotificationChannel) -> (any Notifier)? {
    get { byChannel[channel] }
    set { byChannel[channel] = newValue }
  }

  /// The notifiers `settings` configure: mail always — `SuppressedNotifier` with
  /// `MAIL_SUPPRESS_SEND`, else `SMTPNotifier` with `MAIL_SERVER`, else `MailboxNotifier` into
  /// the mailbox beside the database (`database`: its file's owner, which a new mailbox takes);
  /// Telegram (`TelegramNotifier`) when `TELEGRAM_BOT_TOKEN` is set.
  /// `parallel`: a `mail flush`, which may open `MAIL_CONNECTIONS` SMTP connections; a flow's
  /// own messages take one.
  public static func configured(
    _ settings: Settings, clock: Clock, observer: any Observer, database: FileOwner?,
    parallel: Bool = false
  ) -> Notifiers {
    let composer = MailComposer(settings: settings, clock: clock)
    let mail: any Notifier
    if settings.mailSuppressSend {
      mail = SuppressedNotifier(channel: .mail, admitting: composer.admit)
    } else if let host = settings.mailServer {
      mail = SMTPNotifier(
        composer: composer, settings: SMTPNotifier.smtpSettings(settings, host: host),
        maxPerConnection: settings.mailMaxEmails,
        connections: parallel ? settings.mailConnections : 1, observer: observer)
    } else {
      mail = MailboxNotifier(
        composer: composer,
        mailbox: Mailbox(
          path: MailboxNotifier.path(forDatabase: settings.databasePath), database: database))
    }
    var notifiers = Notifiers([mail])
    // Telegram with TELEGRAM_BOT_TOKEN (its form was checked when the settings loaded).
    if let api = try? TelegramBotAPI(settings: settings) {
      notifiers[.telegram] = TelegramNotifier(api: api)
    }
    return notifiers
  }
}

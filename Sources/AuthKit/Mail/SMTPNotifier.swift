import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Mail through an SMTP server (`MAIL_SERVER`): each batch carried by `SMTPDelivery` over up
/// to `connections` connections (`MAIL_CONNECTIONS`, for `mail flush`), pipelined when the
/// server offers it, from the `MAIL_SENDERS` pool with its fallback. A connection that ends a
/// batch with room left (`MAIL_MAX_EMAILS`) is kept open for the next batch of the same run and
/// closed at its end (`endRun`): a flush of 1,000 messages is one SMTP session, not one per
/// claimed batch (issue 15).
public final class SMTPNotifier: Notifier {
  public let composer: MailComposer
  public let settings: SMTPSettings
  let maxPerConnection: Int
  let connections: Int
  /// Hears the SMTP transcript (`MAIL_DEBUG`).
  let observer: any Observer
  /// Open sessions between two batches of a run.
  let idle = Mutex<[IdleSession]>([])

  /// An open session and the messages it carried so far. Used by one thread at a time: taken
  /// from `idle` by a connection's loop (`SMTPDelivery`), carried, put back.
  struct IdleSession: @unchecked Sendable {
    let client: SMTPClient
    let carried: Int
  }

  public init(
    composer: MailComposer, settings: SMTPSettings, maxPerConnection: Int, connections: Int,
    observer: any Observer
  ) {
    self.composer = composer
    self.settings = settings
    self.maxPerConnection = maxPerConnection
    self.connections = max(1, connections)
    self.observer = observer
  }

  public var channel: NotificationChannel { .mail }
  public var destination: String { "\(settings.host):\(settings.port)" }
  /// `Outbox.claimBatch` for each connection.
  public var batchSize: Int { Outbox.claimBatch * connections }

  public func admit(_ notice: Notice, to address: String) throws -> String {
    try composer.admit(notice, to: address)
  }

  public func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws {
    try SMTPDelivery(
      notifier: self, items: batch, connections: connections, recorder: outcomes
    ).run()
  }

  public func endRun() {
    idle.withLock { sessions in
      for session in sessions { session.client.quit() }
      sessions = []
    }
  }

  /// The SMTP settings of `s` for the server `host`.
  public static func smtpSettings(_ s: Settings, host: String) -> SMTPSettings {
    let security: SMTPSettings.Security =
      s.mailUseSSL ? .implicitTLS : s.mailUseTLS ? .startTLS : .none
    var hostname = [CChar](repeating: 0, count: 256)
    gethostname(&hostname, hostname.count - 1)
    let helo = String(
      decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return SMTPSettings(
      host: host, port: s.mailPort, security: security,
      // `Name <address>` logs in as the address.
      username: s.mailUsernameSender?.address ?? s.mailUsername,
      password: s.mailPassword?.revealed,
      timeout: s.mailTimeout.wholeSeconds, caFile: s.mailTLSCAFile,
      allowPlaintextAuth: s.mailAllowPlaintextAuth,
      heloName: helo.isEmpty ? "localhost" : helo, debug: s.mailDebug)
  }
}

/// What every flow runs over (DESIGN.md): the store, the typed settings, a clock, the keys, the
/// password rules, the outbox with its notifiers, and the observer that hears its notices and
/// warnings. Every flow
/// takes one (`Register(ctx)`, `Admin(ctx)`, `Import(ctx)`, …) and runs on its kernel (`run`,
/// `FlowRun`). Tests build one over a temporary store, an advanceable clock and a recording
/// observer.
public final class FlowContext {
  public let store: any Store
  public let settings: Settings
  public let clock: Clock
  public let hasher: PasswordHasher
  public let policy: PasswordPolicy
  /// The breached-password lookup of every chosen password (issue 16).
  public let breach: BreachCheck
  /// Queues notifications and delivers them through the channels' notifiers.
  public let outbox: Outbox
  /// Hears the flows' notices, warnings and progress, and the mail transcript.
  public let observer: any Observer
  /// Hears every delivery a flow makes after its commit (the CLI says where the mail went),
  /// also when the flow then refuses (a second registration mails its owner a notice).
  public var deliveries: (DeliveryReport) -> Void = { _ in }
  /// The keys, or why there are none, needed only by the flows that sign, verify or hash codes
  /// (an operator's `users disable` works without a secret). Read when the context is made,
  /// before any transaction (the stored secret is read in its own); with `derivesKeys: false`
  /// (`check`, which uses none) only at the first use, so such a command neither reads the
  /// secret nor starts OpenSSL (issue 14: its start-up is the check's overhead).
  private var keyRing: Result<KeyRing, any Error>?

  /// `notifiers`: the channels' notifiers; by default those the settings configure
  /// (`Notifiers.configured`; tests give a recording one).
  public init(
    store: any Store, settings: Settings, clock: Clock, observer: any Observer,
    notifiers: Notifiers? = nil, derivesKeys: Bool = true
  ) throws {
    self.store = store
    self.settings = settings
    self.clock = clock
    self.observer = observer
    if derivesKeys { keyRing = Result { try Self.keys(settings: settings, store: store) } }
    hasher = try PasswordHasher(cost: settings.bcryptCost)
    policy = PasswordPolicy(minLength: settings.minPasswordLength)
    breach = BreachCheck(settings: settings)
    outbox = Outbox(
      settings: settings, clock: clock, observer: observer,
      notifiers: notifiers
        ?? .configured(settings, clock: clock, observer: observer, database: store.file))
  }

  /// The keys derived from the JWT secret (`keys(settings:store:)`); throws when there is none.
  public var keys: KeyRing {
    get throws {
      if let keyRing { return try keyRing.get() }
      let made = Result { try Self.keys(settings: settings, store: store) }
      keyRing = made
      return try made.get()
    }
  }

  /// Signs and verifies the tokens, with the configured issuer.
  public var signer: TokenSigner {
    get throws { TokenSigner(key: try keys.tokenKey, issuer: settings.tokenIssuer) }
  }

  /// Refuses a `JWT_SECRET` shorter than 32 bytes (RFC 7518 §3.2) — called before anything
  /// is created or changed.
  public static func checkSecret(_ settings: Settings) throws(KeyError) {
    if let s = settings.jwtSecret, s.byteCount < 32 { throw .shortSecret(s.byteCount) }
  }

  /// `JWT_SECRET` when set (its UTF-8 bytes, as PyJWT uses a str key), else the secret the
  /// first migration generated and kept in `settings`.
  static func keys(settings: Settings, store: any Store) throws -> KeyRing {
    let secretKey = settings.secretKey?.bytes
    if let s = settings.jwtSecret {
      return try KeyRing(jwtSecret: s.bytes, secretKey: secretKey)
    }
    let stored = try store.read { try $0.setting(.jwtSecret) }
    guard let stored, let bytes = Hex.decode(stored) else {
      throw FlowError.unavailable(
        "JWT_SECRET is not set and the database keeps no generated secret; set JWT_SECRET")
    }
    return try KeyRing(jwtSecret: bytes, secretKey: secretKey)
  }

  // MARK: - Helpers the flows share

  public func now() -> Instant { clock.now() }

  /// True when audit events are queued for the hook program (`AUTHCTL_HOOK` is set).
  public var hooks: Bool { settings.hookProgram != nil }

  /// Hook events the flows (and the outbox's delivery) queued through this context — a
  /// count of writes, so a transaction the store ran again counts twice. The CLI runs the
  /// hook after a command only when some were queued: a read-only question stays one.
  public internal(set) var hookEventsQueued = 0

  /// True when this context's work queued a hook event.
  public var queuedHookEvents: Bool { hookEventsQueued + outbox.hookEventsQueued > 0 }

  /// A password a person chose, checked against the rules (`PasswordPolicy`) and then the
  /// breach corpora (`BreachCheck`); its NFC form, or the refusal (65, or 75/78 when the
  /// breach check cannot be made). Runs before any write lock is taken.
  public func checkNewPassword(_ password: String, email: String?) throws -> String {
    let checked = try policy.check(password, email: email)
    try breach.check(password) { observer.warn($0) }
    return checked
  }

  /// The fingerprint of a `change_email` token (`Fingerprint.emailChange`).
  public func emailChangeFingerprint(_ a: Account) throws -> String {
    Fingerprint.emailChange(
      key: try keys.fingerprintKey, userID: a.id, email: a.email, pendingEmail: a.pendingEmail,
      passwordHash: a.passwordHash, stamp: a.stamp)
  }

  /// The fingerprint of an account's state that confirmation and reset tokens carry: it
  /// changes when the password, the activation or the stamp changes, so a used token stops
  /// verifying (as Django's PasswordResetTokenGenerator).
  public func fingerprint(_ a: Account) throws -> String {
    Fingerprint.make(
      key: try keys.fingerprintKey, userID: a.id, passwordHash: a.passwordHash,
      activatedAt: a.activatedAt.map(Timestamp.format), stamp: a.stamp)
  }

  /// Sets a new password hash, in the caller's transaction: the lockout and any required
  /// password change are cleared, a pending address change dies, a new stamp kills outstanding
  /// tokens, and every session ends. Returns how many sessions ended.
  @discardableResult
  public func setPassword(
    _ tx: any StoreTransaction, _ a: inout Account, hash: String, generated: Bool, reason: String
  ) throws -> Int {
    let now = self.now()
    a.passwordHash = hash
    a.passwordGenerated = generated
    a.failedLogins = 0
    a.lockedUntil = nil
    a.mustResetAt = nil
    a.mustResetReason = nil
    a.pendingEmail = nil
    a.pendingEmailAt = nil
    a.stamp = try newStamp()
    a.securityChangedAt = now
    a.updatedAt = now
    try tx.updateAccount(a)
    return try tx.revokeSessions(userID: a.id, at: now, reason: reason)
  }

  /// A fresh random stamp: every outstanding token of the account dies.
  public func newStamp() throws -> String { Hex.encode(try Random.bytes(16)) }
}

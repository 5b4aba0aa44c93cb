/// What every flow runs over (DESIGN.md): the store, the typed settings, a clock, the keys, the
/// password rules, the mailer and the observer that hears its notices and warnings. Tests build
/// one over a temporary database, a fixed clock and a recording observer.
public final class FlowContext {
  public let store: any Store
  public let settings: Settings
  public let clock: Clock
  public let keys: KeyRing
  public let signer: TokenSigner
  public let hasher: PasswordHasher
  public let policy: PasswordPolicy
  public let mailer: Mailer
  /// Hears the flows' notices, warnings and progress, and the mail transcript.
  public let observer: any Observer

  public init(store: any Store, settings: Settings, clock: Clock, observer: any Observer) throws {
    self.store = store
    self.settings = settings
    self.clock = clock
    self.observer = observer
    keys = try Self.keys(settings: settings, store: store)
    signer = TokenSigner(key: keys.tokenKey, issuer: settings.tokenIssuer)
    hasher = try PasswordHasher(cost: settings.bcryptCost)
    policy = PasswordPolicy(minLength: settings.minPasswordLength)
    mailer = Mailer(settings: settings, clock: clock, observer: observer)
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

  public func now() -> Int64 { clock.now() }

  /// The fingerprint of an account's state that confirmation and reset tokens carry: it
  /// changes when the password, the activation or the stamp changes, so a used token stops
  /// verifying (as Django's PasswordResetTokenGenerator).
  public func fingerprint(_ a: Account) -> String {
    Fingerprint.make(
      key: keys.fingerprintKey, userID: a.id, passwordHash: a.passwordHash,
      activatedAt: a.activatedAt, stamp: a.stamp)
  }

  /// Queues a mail of `template` (subject, body) to the account, in the caller's transaction.
  public func queueMail(
    _ tx: any StoreTransaction, _ kind: String, to a: Account, _ template: (String, String)
  ) throws -> Int64 {
    try mailer.enqueue(
      tx, MailDraft(kind: kind, userID: a.id, to: a.email, subject: template.0, body: template.1))
  }

  /// Sets a new password hash, in the caller's transaction: the lockout is cleared, a new stamp
  /// kills outstanding tokens, and every session ends. Returns how many sessions ended.
  @discardableResult
  public func setPassword(
    _ tx: any StoreTransaction, _ a: inout Account, hash: String, generated: Bool, reason: String
  ) throws -> Int {
    let now = Timestamp.format(self.now())
    a.passwordHash = hash
    a.passwordGenerated = generated
    a.failedLogins = 0
    a.lockedUntil = nil
    a.stamp = try newStamp()
    a.securityChangedAt = now
    a.updatedAt = now
    try tx.updateAccount(a)
    return try tx.revokeSessions(userID: a.id, at: now, reason: reason)
  }

  /// A fresh random stamp: every outstanding token of the account dies.
  public func newStamp() throws -> String { Hex.encode(try Random.bytes(16)) }

  public func audit(
    _ tx: any StoreTransaction, _ event: String, _ account: Account?, email: String? = nil,
    ok: Bool = true,
    reason: String? = nil, detail: String? = nil
  ) throws {
    try tx.record(
      AuditEvent(
        at: Timestamp.format(now()), event: event, userID: account?.id,
        email: account?.email ?? email, ok: ok, reason: reason, detail: detail))
  }

  /// Runs a flow's `body`; a refusal or bad input it throws is recorded as a failed `event`
  /// in its own small transaction (the flow's own was rolled back), then rethrown.
  public func audited<T>(_ event: String, email: String?, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let e as FlowError {
      _ = try? store.write { try audit($0, event, nil, email: email, ok: false, reason: e.message) }
      throw e
    } catch let e as PasswordRejection {
      _ = try? store.write { try audit($0, event, nil, email: email, ok: false, reason: e.message) }
      throw e
    }
  }

  /// Records a refusal in its own small transaction, then returns the error to throw.
  public func refuse(
    _ error: any Error, event: String, _ account: Account?, email: String? = nil,
    reason: String
  ) -> any Error {
    _ = try? store.write { try audit($0, event, account, email: email, ok: false, reason: reason) }
    return error
  }
}

import AuthKit

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// What a command runs with: its parsed line, the configuration, stdout, the observer that
/// writes its notices and warnings to stderr, and the database.
struct Context {
  let invocation: Invocation
  let config: Config
  let environment: [String: String]
  /// Results.
  let out: Output
  /// Notices, warnings, progress and the SMTP transcript, on stderr.
  let diagnostics: Diagnostics
  let clock = Clock.system

  init(
    _ invocation: Invocation, environment: [String: String], out: Output,
    diagnostics: Diagnostics
  ) throws {
    self.invocation = invocation
    self.environment = environment
    self.out = out
    self.diagnostics = diagnostics
    var flags: [SettingFlag] = []
    if let db = invocation.value(.db) {
      flags.append(SettingFlag(\.databasePath, db, flag: "--db"))
    }
    if let s = invocation.value(.sessionFile) {
      flags.append(SettingFlag(\.sessionFile, s, flag: "--session-file"))
    }
    config = try Config(
      flags: flags, environment: environment, envFile: invocation.value(.envFile),
      observer: diagnostics)
  }

  var verbose: Bool { invocation.flag(.verbose) }

  /// The typed settings.
  var settings: Settings { config.settings }

  /// Opens the store as it is, schema unchecked (`migrate --status`): missing → 66.
  func openStoreAsIs(create: Bool = false) throws -> any Store {
    try SQLiteStore(path: settings.databasePath, create: create)
  }

  /// Puts the backup at `path` in place of the store (`authctl restore`): the adapter's own
  /// restore, named here beside its opening.
  func restoreStore(from path: String) throws -> StoreRestore {
    try SQLiteStore.restore(from: path, into: settings.databasePath)
  }

  /// Opens the database for a command that needs it as it is: missing → 66; schema behind or
  /// newer → 78.
  func openDatabase() throws -> any Store {
    let store = try openStoreAsIs()
    try store.requireCurrentSchema()
    return store
  }

  /// Opens the database for `migrate`, `register` and `users import`: a missing one is created
  /// and migrated; an existing one must be current (only `migrate` upgrades).
  func openOrCreateDatabase() throws -> any Store {
    let path = settings.databasePath
    let existed = FileManager.default.fileExists(atPath: path)
    let store = try openStoreAsIs(create: true)
    if try !existed || store.isEmpty() {
      let done = try store.migrate(migrationContext())
      if !done.isEmpty { diagnostics.notice("created database \(path)") }
    } else {
      try store.requireCurrentSchema()
    }
    return store
  }

  /// The flows' context over `store`. A short `JWT_SECRET` is refused (78) before the database
  /// is opened or created.
  func flowContext(_ store: any Store) throws -> FlowContext {
    let ctx = try FlowContext(
      store: store, settings: settings, clock: clock, observer: diagnostics)
    // The account flows sign and verify: no secret is refused before any of them starts.
    _ = try ctx.keys
    ctx.deliveries = { report($0) }
    if settings.jwtSecret == nil { warnIfSecretReadable(store) }
    // The cost warning where new hashes are made.
    let hashing: Set<String> = ["register", "reset", "passwd", "users set-password"]
    if let name = invocation.command?.name, hashing.contains(name),
      let warning = PasswordHasher.costWarning(ctx.hasher.cost)
    {
      diagnostics.warn(warning)
    }
    return ctx
  }

  /// Opens the database (creating it for `register`) and builds the flows' context.
  func flows(create: Bool = false) throws -> FlowContext {
    try FlowContext.checkSecret(settings)
    return try flowContext(create ? openOrCreateDatabase() : openDatabase())
  }

  /// The flows' context for the operator's commands over the database (`users show`,
  /// `disable`, `purge`, `import`, `sessions prune`): no secret is needed until a flow signs.
  func adminFlows(create: Bool = false) throws -> FlowContext {
    let ctx = try FlowContext(
      store: create ? openOrCreateDatabase() : openDatabase(), settings: settings, clock: clock,
      observer: diagnostics)
    ctx.deliveries = { report($0) }
    return ctx
  }

  /// One warning line when the generated secret is kept in a database file that group or
  /// others can read: whoever reads the file can sign tokens (SECURITY.md, property 13).
  func warnIfSecretReadable(_ store: any Store) {
    guard let file = store.file, file.groupOrOthersCanRead else { return }
    let path = store.location
    diagnostics.warn(
      "the generated JWT secret is kept in the database \(path), which group or others can read "
        + "(mode \(file.modeText)): whoever reads it can sign tokens; set JWT_SECRET outside "
        + "the database (an env file only you can read) or chmod 600 \(path)")
  }

  /// Where the JWT secret comes from, for `authctl config`: its setting's source, else the
  /// database file that keeps the generated one (or will, once `migrate` runs).
  func secretLocation() -> String {
    if let source = config.source(\.jwtSecret), settings.jwtSecret != nil {
      return source.description
    }
    let path = settings.databasePath
    guard let file = FileOwner(path: path), file.isRegular else {
      return "none yet: 'authctl migrate' generates one into the database file \(path)"
    }
    let stored: Bool?
    do {
      stored = try openStoreAsIs().read { try $0.setting(.jwtSecret) } != nil
    } catch {
      return "database file \(path)? (cannot be read: \(describe(error).message))"
    }
    guard stored == true else { return "none: the database file \(path) keeps no secret" }
    let readable =
      file.groupOrOthersCanRead
      ? " (readable by group or others, mode \(file.modeText): chmod 600 it)" : ""
    return "database file \(path)\(readable)"
  }

  /// How long audit events, finished mail and ended sessions are kept (`authctl prune`).
  var retention: Retention { Retention(settings) }

  var sessionFile: SessionFile { SessionFile(settings: settings, environment: environment) }

  /// Says where the mail of a flow went; warns when it could not be delivered now.
  func report(_ d: DeliveryReport) {
    for m in d.delivered {
      if let path = d.mailboxPath {
        diagnostics.notice(
          "mail to \(m.to) is in the local mailbox \(path); read it with 'authctl mail show'")
      } else {
        diagnostics.notice("mail sent to \(m.to) through \(d.destination)")
      }
    }
    if d.suppressed > 0 {
      diagnostics.notice("mail not sent (MAIL_SUPPRESS_SEND): \(d.suppressed) message(s)")
    }
    for p in d.deferred {
      diagnostics.warn(
        "mail to \(p.to) not delivered now (\(p.error)); it stays queued: run 'authctl mail flush'")
    }
    for p in d.failed { diagnostics.warn("the server refused the mail to \(p.to): \(p.error)") }
    if d.untried > 0 {
      diagnostics.warn("\(d.untried) more message(s) stay queued: run 'authctl mail flush'")
    }
  }

  func migrationContext() -> MigrationContext {
    MigrationContext(
      now: clock.now(),
      randomBytes: { try Random.bytes($0) },
      jwtSecretConfigured: settings.jwtSecret != nil,
      notice: { [diagnostics] in diagnostics.notice($0) })
  }
}

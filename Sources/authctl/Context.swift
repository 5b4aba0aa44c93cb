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
  /// The flows' contexts the command made, for the hook run after it.
  let opened = OpenedStore()

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
    // A protocol mode runs under a server that may pass on what the user set: pam_exec hands
    // its command the PAM environment, which the user can fill (pam_exec(8): "the user can
    // have control over the environment"), and runs it in the user's folder. There a
    // variable or a ./.env could point the check at the user's own database or lift the
    // lockout, so these modes take settings only from their command line and --env-file.
    let isolated = Self.isProtocolMode(invocation)
    config = try Config(
      flags: flags, environment: isolated ? [:] : environment,
      envFile: invocation.value(.envFile), defaultEnvFile: !isolated, observer: diagnostics)
  }

  /// `check --pam` and `checkpassword`: settings from the command line and --env-file only.
  static func isProtocolMode(_ invocation: Invocation) -> Bool {
    invocation.command?.name == "checkpassword"
      || (invocation.command?.name == "check" && invocation.options["pam"] != nil)
  }

  /// A protocol mode's database: named on its command line or in its --env-file, by an
  /// absolute path. The default `./authctl.sqlite`, or any relative path, would be looked for
  /// in the caller's folder — the user's own under `su`, where the user could have made a
  /// database of their own with any password in it.
  func requireAbsoluteDatabase(_ mode: String) throws {
    let path = settings.databasePath
    let named = config.source(\Settings.databasePath).map { $0 != .builtIn } ?? false
    guard named, path.hasPrefix("/") else {
      throw UsageError(
        "'\(mode)' needs the database as an absolute path: --db /path/to/authctl.sqlite (or AUTHCTL_DB in --env-file); '\(path)' would be looked for in the caller's folder."
      )
    }
  }

  var verbose: Bool { invocation.flag(.verbose) }

  /// The typed settings.
  var settings: Settings { config.settings }

  /// Opens the store as it is, schema unchecked (`migrate --status`): missing → 66.
  func openStoreAsIs(create: Bool = false) throws -> any Store {
    try settings.database.open(create: create, frequent: isCheck)
  }

  /// Puts the backup at `path` in place of the store (`authctl restore`): the adapter's own
  /// restore, named here beside its opening.
  func restoreStore(from path: String) throws -> StoreRestore {
    try SQLiteStore.restore(from: path, into: settings.databasePath)
  }

  /// `check` and `checkpassword`: run once per request by a server.
  var isCheck: Bool { ["check", "checkpassword"].contains(invocation.command?.name ?? "") }

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
    let location = settings.database
    let existed: Bool
    if case .sqlite(let path) = location {
      existed = FileManager.default.fileExists(atPath: path)
    } else {
      existed = true  // a PostgreSQL database is made by its server's tools (createdb)
    }
    let store = try openStoreAsIs(create: true)
    if try !existed || store.isEmpty() {
      let done = try store.migrate(migrationContext())
      if !done.isEmpty {
        diagnostics.notice(
          location.isPostgres
            ? "created the authctl tables in \(location.display)"
            : "created database \(location.display)")
      }
    } else {
      try store.requireCurrentSchema()
    }
    return store
  }

  /// The flows' context over `store`. A short `JWT_SECRET` is refused (78) before the database
  /// is opened or created.
  func flowContext(_ store: any Store) throws -> FlowContext {
    // `check` and `checkpassword` sign and verify no token, and their stderr is a server's log
    // at every request, where a service group's shared database (0660) is expected: no key is
    // derived for them (nor the secret read, nor OpenSSL started), and no warning about a
    // readable secret.
    let checks = isCheck
    let ctx = try FlowContext(
      store: store, settings: settings, clock: clock, observer: diagnostics,
      derivesKeys: !checks)
    if !checks {
      // The account flows sign and verify: no secret is refused before any of them starts.
      _ = try ctx.keys
    }
    ctx.deliveries = { report($0) }
    if runsHooksAfter { opened.contexts.append(ctx) }
    if settings.jwtSecret == nil && !checks { warnIfSecretReadable(store) }
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
    if runsHooksAfter { opened.contexts.append(ctx) }
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
    let database = settings.database
    if database.isPostgres {
      let stored: Bool?
      do {
        stored = try openStoreAsIs().read { try $0.setting(.jwtSecret) } != nil
      } catch {
        return "database \(database.display)? (cannot be read: \(describe(error).message))"
      }
      return stored == true
        ? "database \(database.display) (its settings table)"
        : "none: the database \(database.display) keeps no secret"
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
      if m.channel == .telegram {
        diagnostics.notice("Telegram message sent to chat \(m.to)")
      } else if let path = d.mailboxPath {
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
        "\(p.place) not delivered now (\(p.error)); it stays queued: run 'authctl mail flush'")
    }
    for p in d.failed { diagnostics.warn("the server refused the \(p.place): \(p.error)") }
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

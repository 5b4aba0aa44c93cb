import AuthKit

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// What a command runs with: its parsed line, the configuration, and the database.
struct Context {
  let invocation: Invocation
  let config: Config
  let environment: [String: String]
  let out = Output.standard
  let clock = Clock.system

  init(_ invocation: Invocation, environment: [String: String]) throws {
    self.invocation = invocation
    self.environment = environment
    var flags: [String: (value: String, flag: String)] = [:]
    if let db = invocation.value("db") { flags["AUTHCTL_DB"] = (db, "--db") }
    if let s = invocation.value("session-file") {
      flags["AUTHCTL_SESSION_FILE"] = (s, "--session-file")
    }
    config = try Config(
      flags: flags, environment: environment, envFile: invocation.value("env-file"))
  }

  var verbose: Bool { invocation.flag("verbose") }

  /// Opens the database for a command that needs it as it is: missing → 66; schema behind or
  /// newer → 78.
  func openDatabase() throws -> Connection {
    let db = try Connection(path: config.databasePath, create: false)
    try Migrator().requireCurrent(db)
    return db
  }

  /// Opens the database for `migrate`, `register` and `users import`: a missing one is created
  /// and migrated; an existing one must be current (only `migrate` upgrades).
  func openOrCreateDatabase() throws -> Connection {
    let path = config.databasePath
    let existed = FileManager.default.fileExists(atPath: path)
    let db = try Connection(path: path, create: true)
    let migrator = Migrator()
    if try !existed || migrator.isEmpty(db) {
      let done = try migrator.migrate(db, context: migrationContext())
      if !done.isEmpty { Diagnostics.notice("created database \(path)") }
    } else {
      try migrator.requireCurrent(db)
    }
    return db
  }

  func migrationContext() -> MigrationContext {
    MigrationContext(
      now: Timestamp.format(clock.now()),
      randomBytes: { try Random.bytes($0) },
      jwtSecretConfigured: config.string("JWT_SECRET") != nil,
      notice: { Diagnostics.notice($0) })
  }
}

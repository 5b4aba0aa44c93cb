/// One step of the SQLite schema, applied once, in its own transaction, and recorded in
/// `schema_migrations` (the pattern of GRDB's `DatabaseMigrator`).
public struct Migration: Sendable {
  /// Its version and name.
  public let step: SchemaStep
  let apply: @Sendable (Connection, MigrationContext) throws -> Void

  init(
    version: Int, name: String,
    apply: @escaping @Sendable (Connection, MigrationContext) throws -> Void
  ) {
    step = SchemaStep(version: version, name: name)
    self.apply = apply
  }

  public var version: Int { step.version }
  public var name: String { step.name }
}

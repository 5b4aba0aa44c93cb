/// One version of the schema, as `authctl migrate` names it.
public struct SchemaStep: Sendable, Equatable {
  /// 1, 2, 3… in order.
  public let version: Int
  /// A short name printed by `authctl migrate`.
  public let name: String

  public init(version: Int, name: String) {
    self.version = version
    self.name = name
  }
}

/// A schema step already applied, with when (ISO-8601 text).
public struct AppliedSchemaStep: Sendable, Equatable {
  public let step: SchemaStep
  public let appliedAt: Instant
}

/// What a migration may need besides the store.
public struct MigrationContext: Sendable {
  /// The migration time: adopted rows get it as their creation time.
  public var now: Instant
  /// Fresh random bytes (OpenSSL `RAND_bytes`), for the generated JWT secret.
  public var randomBytes: @Sendable (Int) throws -> [UInt8]
  /// True when `JWT_SECRET` is configured, so no secret is generated.
  public var jwtSecretConfigured: Bool
  /// Told about anything worth a line on stderr (a generated secret).
  public var notice: @Sendable (String) -> Void

  public init(
    now: Instant, randomBytes: @escaping @Sendable (Int) throws -> [UInt8],
    jwtSecretConfigured: Bool, notice: @escaping @Sendable (String) -> Void
  ) {
    self.now = now
    self.randomBytes = randomBytes
    self.jwtSecretConfigured = jwtSecretConfigured
    self.notice = notice
  }
}

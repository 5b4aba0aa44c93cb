/// The keys authctl works with, made once from the configuration.
///
/// `tokenKey` signs JWTs and is `JWT_SECRET` itself (so tokens interoperate with the original
/// app). `codeKey` and `fingerprintKey` are derived with HKDF-SHA256 (RFC 5869) from
/// `SECRET_KEY` when it is set, else from `JWT_SECRET`, with distinct `info` strings, so no key
/// serves two purposes. `erasureKey` likewise.
public struct KeyRing: Sendable {
  /// The HS256 key: `JWT_SECRET`.
  public let tokenKey: [UInt8]
  /// The key of `CodeHash`: HKDF(info "authctl code-hash v1").
  public let codeKey: [UInt8]
  /// The key of `Fingerprint`: HKDF(info "authctl fingerprint v1").
  public let fingerprintKey: [UInt8]
  /// The key of the pseudonyms an erasure leaves in the audit log (`Erasure.pseudonym`):
  /// HKDF(info "authctl erasure v1").
  public let erasureKey: [UInt8]

  static let codeInfo = "authctl code-hash v1"
  static let fingerprintInfo = "authctl fingerprint v1"
  static let erasureInfo = "authctl erasure v1"

  /// Keys from `jwtSecret` (at least 32 bytes, RFC 7518 §3.2, else `KeyError.shortSecret`) and
  /// the optional `secretKey`.
  public init(jwtSecret: [UInt8], secretKey: [UInt8]?) throws(KeyError) {
    guard jwtSecret.count >= 32 else { throw .shortSecret(jwtSecret.count) }
    tokenKey = jwtSecret
    let root = secretKey.flatMap { $0.isEmpty ? nil : $0 } ?? jwtSecret
    codeKey = Self.derive(root, Self.codeInfo)
    fingerprintKey = Self.derive(root, Self.fingerprintInfo)
    erasureKey = Self.derive(root, Self.erasureInfo)
  }

  /// 32 bytes of HKDF-SHA256 with an empty salt. HKDF with these fixed, valid parameters fails
  /// only when memory runs out; then the process stops with OpenSSL's error text.
  private static func derive(_ secret: [UInt8], _ info: String) -> [UInt8] {
    do {
      return try HKDF.sha256(secret: secret, salt: [], info: info, length: 32)
    } catch {
      fatalError("HKDF-SHA256 failed: \((error as? CryptoError)?.message ?? "\(error)")")
    }
  }
}

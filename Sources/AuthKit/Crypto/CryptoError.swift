import COpenSSL

/// A failure of the cryptographic layer itself (not a refusal of bad input). The CLI maps it to
/// exit 70 (EX_SOFTWARE): a random generator that fails is fatal, never a fallback.
public enum CryptoError: Error, Sendable, Equatable {
  /// OpenSSL `RAND_bytes` failed (DESIGN.md: every random value comes from it).
  case randomFailure
  /// An OpenSSL call failed: the function's name and OpenSSL's drained error queue.
  case openssl(OpenSSLError)
  /// libxcrypt refused a setting or a hash (`crypt_gensalt_rn`, `crypt_ra`), or bad parameters.
  case crypt(String)

  public var message: String {
    switch self {
    case .randomFailure: return "the random number generator failed (OpenSSL RAND_bytes)"
    case .openssl(let error): return "OpenSSL: \(error)"
    case .crypt(let text): return "crypt: \(text)"
    }
  }

  /// `function` failed: drains OpenSSL's thread-local error queue into an `OpenSSLError`.
  static func openssl(function: String) -> CryptoError {
    .openssl(OpenSSLError.drain("\(function) failed"))
  }

  /// Throws `.openssl(function:)` unless `ok`.
  static func check(_ ok: Bool, _ function: String) throws(CryptoError) {
    if !ok { throw openssl(function: function) }
  }

  /// For the few calls whose API cannot throw (one-shot digests and MACs with fixed, valid
  /// parameters): they fail only when memory runs out, and then the process stops with the
  /// drained OpenSSL error text.
  static func mustSucceed(_ ok: Bool, _ function: String) {
    if !ok { fatalError(openssl(function: function).message) }
  }
}

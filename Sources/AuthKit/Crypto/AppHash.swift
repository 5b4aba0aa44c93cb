import COpenSSL

/// The password hashes Flask and Django apps hold, verified through OpenSSL
/// (`PKCS5_PBKDF2_HMAC`, `EVP_PBE_scrypt`) and compared in constant time, so `users import`
/// can take them and the first login rehashes them to bcrypt (issue 16):
///
/// - Werkzeug (`werkzeug.security`, Flask): `pbkdf2:sha256[:ITERATIONS]$SALT$HEX` (also
///   `sha1`, `sha512`; the salt's text is the salt, the key as long as the digest, in hex;
///   without a count, 260,000, Werkzeug 2.0's default — the original app's version) and
///   `scrypt[:N:r:p]$SALT$HEX` (Werkzeug 3's default, `scrypt:32768:8:1`; a 64-byte key).
/// - Django (`django.contrib.auth.hashers`): `pbkdf2_sha256$ITERATIONS$SALT$BASE64` (also
///   `pbkdf2_sha1`), the key in standard base64.
/// - passlib (`passlib.hash.pbkdf2_sha256`): `$pbkdf2-sha256$ROUNDS$SALT$CHECKSUM` (also
///   `$pbkdf2-sha512$`, and `$pbkdf2$` for SHA-1), salt and key in passlib's "adapted base64"
///   (`.` for `+`, no padding), the salt as raw bytes.
public struct AppHash: Sendable, Equatable {
  public enum Scheme: String, Sendable {
    case werkzeugPBKDF2 = "Werkzeug pbkdf2"
    case werkzeugScrypt = "Werkzeug scrypt"
    case djangoPBKDF2 = "Django pbkdf2"
    case passlibPBKDF2 = "passlib pbkdf2"
  }

  public enum KDF: Sendable, Equatable {
    case pbkdf2(digest: String, iterations: Int)
    case scrypt(n: UInt64, r: UInt64, p: UInt64)
  }

  public let scheme: Scheme
  public let kdf: KDF
  public let salt: [UInt8]
  public let key: [UInt8]

  // MARK: Bounds

  /// Werkzeug's iteration count when a `pbkdf2:` hash names none (Werkzeug 2.0's default).
  public static let werkzeugDefaultIterations = 260_000
  /// The most PBKDF2 iterations an import takes without `--allow-expensive-hashes` (twice the
  /// 1,000,000 of Django 5.2 and Werkzeug 3.1, some tenths of a second per login).
  public static let maxImportIterations = 2_000_000
  /// The most scrypt memory (128·N·r bytes) an import takes without the override: four times
  /// Werkzeug's default (N = 32768, r = 8: 32 MiB).
  public static let maxImportScryptMemory: UInt64 = 128 << 20
  /// The most scrypt work (N·r·p) an import takes without the override: four times Werkzeug's.
  public static let maxImportScryptWork: UInt64 = 1 << 20
  /// What no hash may exceed, even with the override, so that no stored row can make a login
  /// run for minutes or take more than 1 GiB: 100,000,000 iterations; 128·N·r ≤ 1 GiB, p ≤ 64.
  static let maxIterations = 100_000_000
  static let maxScryptMemory: UInt64 = 1 << 30
  static let maxScryptP: UInt64 = 64

  /// Why a parsed hash is too slow to check at every login without
  /// `--allow-expensive-hashes`, else nil.
  public var expense: String? {
    switch kdf {
    case .pbkdf2(_, let iterations):
      guard iterations <= Self.maxImportIterations else {
        return "a \(scheme.rawValue) hash of \(iterations) iterations (more than 2,000,000)"
      }
    case .scrypt(let n, let r, let p):
      guard 128 * n * r <= Self.maxImportScryptMemory, n * r * p <= Self.maxImportScryptWork
      else {
        return
          "a \(scheme.rawValue) hash with N=\(n), r=\(r), p=\(p) (more than 128 MiB or N·r·p above 2^20)"
      }
    }
    return nil
  }

  // MARK: Parsing

  /// The hash `text` stands for, or nil when it is not one of these formats (or malformed, or
  /// past the hard bounds).
  public static func parse(_ text: String) -> AppHash? {
    if text.hasPrefix("pbkdf2:") || text.hasPrefix("scrypt") { return werkzeug(text) }
    if text.hasPrefix("pbkdf2_") { return django(text) }
    if text.hasPrefix("$pbkdf2") { return passlib(text) }
    return nil
  }

  /// The digest's name and key length for the names the formats use.
  static func digestLength(_ name: String) -> Int? {
    switch name {
    case "sha1": return 20
    case "sha256": return 32
    case "sha512": return 64
    default: return nil
    }
  }

  /// A decimal count in 1...`max`, digits only.
  static func count(_ text: Substring, max: Int) -> Int? {
    guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
      let n = Int(text), n >= 1, n <= max
    else { return nil }
    return n
  }

  static func werkzeug(_ text: String) -> AppHash? {
    let parts = text.split(separator: "$", omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[1].isEmpty, let key = Hex.decode(String(parts[2])),
      parts[2].utf8.allSatisfy({ Hex.value($0) != nil })
    else { return nil }
    let salt = Array(parts[1].utf8)
    let method = parts[0].split(separator: ":", omittingEmptySubsequences: false)
    switch method[0] {
    case "pbkdf2":
      guard method.count == 2 || method.count == 3, let length = digestLength(String(method[1])),
        key.count == length
      else { return nil }
      let iterations: Int
      if method.count == 3 {
        guard let n = count(method[2], max: maxIterations) else { return nil }
        iterations = n
      } else {
        iterations = werkzeugDefaultIterations
      }
      return AppHash(
        scheme: .werkzeugPBKDF2, kdf: .pbkdf2(digest: String(method[1]), iterations: iterations),
        salt: salt, key: key)
    case "scrypt":
      var (n, r, p): (UInt64, UInt64, UInt64) = (32768, 8, 1)
      if method.count == 4 {
        guard let a = count(method[1], max: 1 << 30), let b = count(method[2], max: 1024),
          let c = count(method[3], max: 1024)
        else { return nil }
        (n, r, p) = (UInt64(a), UInt64(b), UInt64(c))
      } else if method.count != 1 {
        return nil
      }
      guard n >= 2, n & (n - 1) == 0, 128 * n * r <= maxScryptMemory, p <= maxScryptP,
        key.count == 64
      else { return nil }
      return AppHash(scheme: .werkzeugScrypt, kdf: .scrypt(n: n, r: r, p: p), salt: salt, key: key)
    default:
      return nil
    }
  }

  static func django(_ text: String) -> AppHash? {
    let parts = text.split(separator: "$", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "pbkdf2_sha256" || parts[0] == "pbkdf2_sha1",
      let iterations = count(parts[1], max: maxIterations), !parts[2].isEmpty,
      let key = standardBase64(parts[3])
    else { return nil }
    let digest = String(parts[0].dropFirst("pbkdf2_".count))
    guard key.count == digestLength(digest) else { return nil }
    return AppHash(
      scheme: .djangoPBKDF2, kdf: .pbkdf2(digest: digest, iterations: iterations),
      salt: Array(parts[2].utf8), key: key)
  }

  static func passlib(_ text: String) -> AppHash? {
    let parts = text.split(separator: "$", omittingEmptySubsequences: false)
    guard parts.count == 5, parts[0].isEmpty,
      let iterations = count(parts[2], max: maxIterations),
      let salt = adaptedBase64(parts[3]), !salt.isEmpty, let key = adaptedBase64(parts[4])
    else { return nil }
    let digest: String
    switch parts[1] {
    case "pbkdf2": digest = "sha1"
    case "pbkdf2-sha256": digest = "sha256"
    case "pbkdf2-sha512": digest = "sha512"
    default: return nil
    }
    guard key.count == digestLength(digest) else { return nil }
    return AppHash(
      scheme: .passlibPBKDF2, kdf: .pbkdf2(digest: digest, iterations: iterations), salt: salt,
      key: key)
  }

  /// Standard base64 (RFC 4648 §4) with its padding, as Django writes it.
  static func standardBase64(_ text: Substring) -> [UInt8]? {
    var body = text
    while body.hasSuffix("=") { body = body.dropLast() }
    guard text.utf8.count % 4 == 0, text.utf8.count - body.utf8.count <= 2,
      !body.contains("-"), !body.contains("_")
    else { return nil }
    return Base64URL.decode(
      String(body.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    )
  }

  /// passlib's "adapted base64" (`ab64_encode`): the standard alphabet with `.` for `+`, no
  /// padding.
  static func adaptedBase64(_ text: Substring) -> [UInt8]? {
    guard !text.contains("-"), !text.contains("_"), !text.contains("+"), !text.contains("=")
    else { return nil }
    return Base64URL.decode(
      String(text.map { $0 == "." ? "-" : $0 == "/" ? "_" : $0 })
    )
  }

  // MARK: Verifying

  /// Whether `password` derives this key, compared in constant time. The password's UTF-8
  /// bytes are tried as given (the frameworks hash them so), then, when it differs, its NFC
  /// form (what authctl hashes).
  public func verify(_ password: String) -> Bool {
    let raw = Array(password.utf8)
    if matches(raw) { return true }
    let nfc = Array(PasswordPolicy.normalize(password).utf8)
    return nfc != raw && matches(nfc)
  }

  func matches(_ password: [UInt8]) -> Bool {
    guard let derived = derive(password) else { return false }
    return constantTimeEquals(derived, key)
  }

  /// The key this hash's KDF derives from `password`, as long as the stored one; nil when
  /// OpenSSL refuses.
  func derive(_ password: [UInt8]) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: key.count)
    // A NUL after the bytes, so even an empty password has an address (not passed on).
    let terminated = password.map { CChar(bitPattern: $0) } + [0]
    let length = password.count
    let ok: Bool
    switch kdf {
    case .pbkdf2(let digest, let iterations):
      let md: OpaquePointer? =
        switch digest {
        case "sha1": EVP_sha1()
        case "sha512": EVP_sha512()
        default: EVP_sha256()
        }
      ok =
        terminated.withUnsafeBufferPointer { pass in
          salt.withUnsafeBufferPointer { s in
            PKCS5_PBKDF2_HMAC(
              pass.baseAddress, Int32(length), s.baseAddress, Int32(s.count), Int32(iterations),
              md, Int32(out.count), &out)
          }
        } == 1
    case .scrypt(let n, let r, let p):
      // OpenSSL needs 128·r·(N + 2) bytes for V and 128·r·p for B (EVP_PBE_scrypt(3)).
      let maxmem = 128 * r * (n + 2) + 128 * r * p + (1 << 20)
      ok =
        terminated.withUnsafeBufferPointer { pass in
          salt.withUnsafeBufferPointer { s in
            EVP_PBE_scrypt(
              pass.baseAddress, length, s.baseAddress, s.count, n, r, p, maxmem, &out, out.count)
          }
        } == 1
    }
    OpenSSLError.clearQueue()
    return ok ? out : nil
  }
}

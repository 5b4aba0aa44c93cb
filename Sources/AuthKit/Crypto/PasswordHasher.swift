import CCrypt

#if canImport(Glibc)
  import Glibc
#endif

/// bcrypt password hashes through libxcrypt (`crypt_gensalt_rn`, `crypt_ra`).
///
/// New hashes are `$2b$` (the fixed OpenBSD variant) with a 16-byte salt from `RAND_bytes`.
/// Verification also accepts `$2a$` and `$2y$` (python bcrypt, PHP, `htpasswd -B`) and the
/// shadow hashes `$6$` (SHA-512 crypt), `$5$` (SHA-256 crypt) and `$y$` (yescrypt), and the
/// Werkzeug, Django and passlib hashes of `AppHash`, and compares in constant time. Passwords are NFC-normalised first (`PasswordPolicy.normalize`).
public struct PasswordHasher: Sendable {
  /// The bcrypt cost: 2^cost rounds of the key schedule.
  public let cost: Int
  /// The costs bcrypt accepts.
  public static let costs = 4...31
  /// The prefix of the hashes this type makes.
  public static let prefix = "$2b$"
  /// The hash prefixes `verify` accepts; anything else (DES, MD5, garbage) is refused.
  static let verifiable = ["$2a$", "$2b$", "$2y$", "$6$", "$5$", "$y$"]

  /// A hasher at `cost`; outside 4...31 throws `CryptoError.crypt`.
  public init(cost: Int) throws {
    guard Self.costs.contains(cost) else {
      throw CryptoError.crypt("bcrypt cost \(cost) is outside 4...31")
    }
    self.cost = cost
  }

  /// A new `$2b$` hash of `password` (NFC-normalised) with a fresh random salt.
  public func hash(_ password: String) throws -> String {
    let phrase = PasswordPolicy.normalize(password)
    guard !phrase.utf8.contains(0) else { throw CryptoError.crypt("password contains NUL") }
    let salt = try Random.bytes(16)
    var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
    let made = salt.withUnsafeBytes { rbytes in
      crypt_gensalt_rn(
        Self.prefix, UInt(cost), rbytes.baseAddress?.assumingMemoryBound(to: CChar.self),
        Int32(salt.count), &setting, Int32(setting.count))
    }
    guard made != nil else { throw CryptoError.crypt("crypt_gensalt_rn refused $2b$ cost \(cost)") }
    let settingText = String(
      decoding: setting.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
      as: UTF8.self)
    guard let hashed = Self.crypt(phrase, setting: settingText) else {
      throw CryptoError.crypt("crypt_ra failed for a $2b$ setting")
    }
    return hashed
  }

  /// Whether `password` (NFC-normalised) matches `hash`. An empty, unknown or malformed hash
  /// is simply false.
  public func verify(_ password: String, against hash: String) -> Bool {
    Self.verify(password, against: hash)
  }

  /// `verify` without a configured cost (verification reads the cost from the hash).
  static func verify(_ password: String, against hash: String) -> Bool {
    // A Werkzeug, Django or passlib hash an import took (issue 16).
    if let app = AppHash.parse(hash) { return app.verify(password) }
    guard Self.verifiable.contains(where: { hash.hasPrefix($0) }) else { return false }
    let phrase = PasswordPolicy.normalize(password)
    guard !phrase.utf8.contains(0), !hash.utf8.contains(0) else { return false }
    guard let computed = Self.crypt(phrase, setting: hash) else { return false }
    return constantTimeEquals(Array(computed.utf8), Array(hash.utf8))
  }

  /// Whether `hash` should be replaced at the next successful login: not `$2b$`, or another
  /// cost than this hasher's.
  public func needsRehash(_ hash: String) -> Bool {
    guard hash.hasPrefix(Self.prefix) else { return true }
    let digits = hash.utf8.dropFirst(4).prefix(2)
    guard digits.count == 2, hash.utf8.dropFirst(6).first == UInt8(ascii: "$"),
      let stored = Int(String(decoding: digits, as: UTF8.self))
    else { return true }
    return stored != cost
  }

  /// A warning to print on stderr when `cost` is below 10, else nil.
  public static func costWarning(_ cost: Int) -> String? {
    guard cost < 10 else { return nil }
    return "bcrypt cost \(cost) is below 10; hashes are cheap to guess (default 12)"
  }

  /// libxcrypt's `crypt_ra` over `phrase` and `setting`; nil when it refuses.
  static func crypt(_ phrase: String, setting: String) -> String? {
    let scratch = CryptScratch()
    guard let out = crypt_ra(phrase, setting, &scratch.data, &scratch.size) else { return nil }
    let text = String(cString: out)
    return text.hasPrefix("*") ? nil : text
  }
}

/// The scratch area `crypt_ra` allocates (a `struct crypt_data`, which holds the hash and
/// intermediate secrets), zeroed and freed in `deinit`.
final class CryptScratch {
  var data: UnsafeMutableRawPointer?
  var size: Int32 = 0

  deinit {
    if let data {
      data.initializeMemory(as: UInt8.self, repeating: 0, count: Int(size))
      free(data)
    }
  }
}

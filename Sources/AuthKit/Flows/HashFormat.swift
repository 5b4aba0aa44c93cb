/// Which stored password hashes authctl accepts from an import: those libxcrypt verifies and
/// that a login can check — bcrypt (`$2a$`, `$2b$`, `$2y$`, python bcrypt, PHP,
/// `htpasswd -B`) and the shadow-file schemes `$6$` (SHA-512 crypt), `$5$` (SHA-256 crypt)
/// and `$y$` (yescrypt) — and the Werkzeug, Django and passlib hashes of `AppHash`. Checked by
/// shape here; verified by `crypt_r` or OpenSSL at login.
public enum HashFormat {
  /// crypt's base-64 alphabet as a lookup table (this runs once per imported row).
  static let b64: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for c in "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8 {
      table[Int(c)] = true
    }
    return table
  }()

  static func allB64<S: Sequence<UInt8>>(_ s: S) -> Bool {
    let table = b64
    return s.allSatisfy { table[Int($0)] }
  }

  /// The cost of `$2a$`/`$2b$`/`$2y$` + two digits + `$` + 53 base-64 characters, read
  /// without copying (an import checks millions), else nil.
  static func bcryptShapeCost(_ hash: String) -> Int? {
    guard hash.utf8.count == 60 else { return nil }
    var h = hash
    return h.withUTF8 { b -> Int? in
      guard b[0] == 36, b[1] == 50, b[3] == 36, b[6] == 36,
        b[2] == UInt8(ascii: "a") || b[2] == UInt8(ascii: "b") || b[2] == UInt8(ascii: "y"),
        (48...57).contains(b[4]), (48...57).contains(b[5]), allB64(b[7...])
      else { return nil }
      return Int(b[4] - 48) * 10 + Int(b[5] - 48)
    }
  }

  /// The formats a refusal names.
  static let supported =
    "bcrypt $2a$/$2b$/$2y$, $6$, $5$, $y$, Werkzeug pbkdf2:/scrypt:, Django pbkdf2_sha256$, passlib $pbkdf2-sha256$"

  /// nil when `hash` is acceptable, else why not.
  public static func problem(_ hash: String) -> String? {
    // The common case first: `$2b$NN$` + 53 characters.
    if let cost = bcryptShapeCost(hash), (4...31).contains(cost) { return nil }
    if AppHash.parse(hash) != nil { return nil }
    if hash.hasPrefix("pbkdf2") || hash.hasPrefix("scrypt") || hash.hasPrefix("$pbkdf2") {
      return "a malformed or unsupported Werkzeug, Django or passlib hash (\(supported))"
    }
    let b = Array(hash.utf8)
    let parts = b.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
    guard b.first == UInt8(ascii: "$"), parts.count >= 3 else {
      return "not a supported password hash (\(supported))"
    }
    let id = String(decoding: parts[1], as: UTF8.self)
    switch id {
    case "2a", "2b", "2y":
      guard parts.count == 4, parts[2].count == 2,
        let cost = Int(String(decoding: parts[2], as: UTF8.self)),
        (4...31).contains(cost), parts[3].count == 53, allB64(parts[3])
      else { return "a malformed bcrypt hash" }
      return nil
    case "6", "5":
      let digest = id == "6" ? 86 : 43
      var rest = Array(parts.dropFirst(2))
      if let first = rest.first, first.starts(with: Array("rounds=".utf8)) {
        guard Int(String(decoding: first.dropFirst(7), as: UTF8.self)) != nil else {
          return "a malformed $\(id)$ hash"
        }
        rest.removeFirst()
      }
      guard rest.count == 2, rest[0].count <= 16, !rest[0].contains(UInt8(ascii: ":")),
        rest[1].count == digest, allB64(rest[1])
      else { return "a malformed $\(id)$ hash" }
      return nil
    case "y":
      guard parts.count == 5, !parts[2].isEmpty, allB64(parts[2]), allB64(parts[3]),
        parts[4].count == 43, allB64(parts[4])
      else { return "a malformed $y$ (yescrypt) hash" }
      return nil
    default:
      return "not a supported password hash (\(supported))"
    }
  }
}

extension HashFormat {
  /// The highest bcrypt cost an import takes without `--allow-expensive-hashes` (2^16 rounds,
  /// some seconds per login).
  public static let maxImportBcryptCost = 16
  /// The most `rounds=` of a `$5$`/`$6$` hash an import takes without the override (the
  /// default is 5,000; glibc's maximum 999,999,999 takes minutes).
  public static let maxImportShaRounds = 5_000_000

  /// The cost of a `$2a$`/`$2b$`/`$2y$` hash of the right shape, else nil.
  public static func bcryptCost(_ hash: String) -> Int? {
    guard let cost = bcryptShapeCost(hash) else { return nil }
    return PasswordHasher.costs.contains(cost) ? cost : nil
  }

  /// Why an acceptable `hash` (see `problem`) is too slow to check at every login without
  /// `--allow-expensive-hashes`, else nil: bcrypt above cost 16, sha-crypt above 5,000,000
  /// rounds, yescrypt with parameters beyond what libxcrypt's `crypt_gensalt` makes at its
  /// highest cost 11 (`j` + N ≤ 2^18 + r ≤ 32, nothing more: 1 GiB; the default is `j9T`).
  public static func expense(_ hash: String) -> String? {
    // bcrypt first: the common case, and no app hash has its shape.
    if let cost = bcryptCost(hash) {
      guard cost <= maxImportBcryptCost else {
        return "a bcrypt hash of cost \(cost) (more than \(maxImportBcryptCost))"
      }
      return nil
    }
    if let app = AppHash.parse(hash) { return app.expense }
    let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
    guard parts.count >= 3 else { return nil }
    switch parts[1] {
    case "5", "6":
      guard parts[2].hasPrefix("rounds="), let rounds = Int(parts[2].dropFirst(7)) else {
        return nil
      }
      guard rounds <= maxImportShaRounds else {
        return "a $\(parts[1])$ hash of \(rounds) rounds (more than 5,000,000)"
      }
      return nil
    case "y":
      // crypt's base-64 digits: N is 2^(digit+1), r is digit+1 (yescrypt's encode64_uint32).
      let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
      let p = Array(parts[2])
      guard p.count == 3, p[0] == "j", let n = alphabet.firstIndex(of: p[1]),
        let r = alphabet.firstIndex(of: p[2]), n <= 17, r <= 31
      else { return "a $y$ hash with parameters '\(parts[2])' beyond yescrypt cost 11" }
      return nil
    default:
      return nil
    }
  }
}

/// Which stored password hashes authctl accepts from an import: those libxcrypt verifies and
/// that a login can check — bcrypt (`$2a$`, `$2b$`, `$2y$`, python bcrypt, PHP,
/// `htpasswd -B`) and the shadow-file schemes `$6$` (SHA-512 crypt), `$5$` (SHA-256 crypt)
/// and `$y$` (yescrypt). Checked by shape here; verified by `crypt_r` at login.
public enum HashFormat {
  /// crypt's base-64 alphabet as a lookup table (this runs once per imported row).
  static let b64: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for c in "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8 {
      table[Int(c)] = true
    }
    return table
  }()

  static func allB64<S: Sequence<UInt8>>(_ s: S) -> Bool { s.allSatisfy { b64[Int($0)] } }

  /// nil when `hash` is acceptable, else why not.
  public static func problem(_ hash: String) -> String? {
    let b = Array(hash.utf8)
    // The common case first: `$2b$NN$` + 53 characters.
    if b.count == 60, b[0] == 36, b[1] == 50, b[3] == 36, b[6] == 36,
      b[2] == UInt8(ascii: "a") || b[2] == UInt8(ascii: "b") || b[2] == UInt8(ascii: "y"),
      let cost = Int(String(decoding: b[4..<6], as: UTF8.self)), (4...31).contains(cost),
      allB64(b[7...])
    {
      return nil
    }
    let parts = b.split(separator: UInt8(ascii: "$"), omittingEmptySubsequences: false)
    guard b.first == UInt8(ascii: "$"), parts.count >= 3 else {
      return "not a supported password hash (bcrypt $2a$/$2b$/$2y$, or $6$, $5$, $y$)"
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
      return "not a supported password hash (bcrypt $2a$/$2b$/$2y$, or $6$, $5$, $y$)"
    }
  }
}

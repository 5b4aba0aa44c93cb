import AuthKit
import Testing

/// Keys, fingerprints and code hashes.
@Suite struct KeyRingTests {
  static let secret = [UInt8](repeating: 0x42, count: 32)

  @Test func shortSecretIsRefused() {
    #expect(throws: KeyError.shortSecret(31)) {
      try KeyRing(jwtSecret: Array(repeating: 1, count: 31), secretKey: nil)
    }
    #expect(
      KeyError.shortSecret(5).message
        == "JWT_SECRET is 5 bytes; at least 32 are needed (RFC 7518 §3.2)")
  }

  @Test func derivedKeysAreDistinctAndFollowSecretKey() throws {
    let a = try KeyRing(jwtSecret: Self.secret, secretKey: nil)
    #expect(a.tokenKey == Self.secret)
    #expect(a.codeKey.count == 32 && a.fingerprintKey.count == 32)
    #expect(Set([a.tokenKey, a.codeKey, a.fingerprintKey]).count == 3)
    #expect(
      a.codeKey
        == (try HKDF.sha256(secret: Self.secret, salt: [], info: "authctl code-hash v1", length: 32))
    )
    let b = try KeyRing(jwtSecret: Self.secret, secretKey: Array("another secret".utf8))
    #expect(b.tokenKey == a.tokenKey)
    #expect(b.codeKey != a.codeKey && b.fingerprintKey != a.fingerprintKey)
    #expect(
      b.fingerprintKey
        == (try HKDF.sha256(
          secret: Array("another secret".utf8), salt: [], info: "authctl fingerprint v1",
          length: 32)))
  }

  @Test func fingerprintChangesWithTheAccountState() {
    let key = Self.secret
    let base = Fingerprint.make(
      key: key, userID: "u", passwordHash: "$2b$x", activatedAt: nil, stamp: nil)
    #expect(Base64URL.decode(base)?.count == 16)
    #expect(
      base
        == Fingerprint.make(
          key: key, userID: "u", passwordHash: "$2b$x", activatedAt: nil, stamp: nil))
    let others = [
      Fingerprint.make(key: key, userID: "u", passwordHash: "$2b$y", activatedAt: nil, stamp: nil),
      Fingerprint.make(
        key: key, userID: "u", passwordHash: "$2b$x", activatedAt: "2026-01-01T00:00:00Z",
        stamp: nil),
      Fingerprint.make(key: key, userID: "u", passwordHash: "$2b$x", activatedAt: nil, stamp: "1"),
      Fingerprint.make(key: key, userID: "v", passwordHash: "$2b$x", activatedAt: nil, stamp: nil),
      Fingerprint.make(key: key, userID: "u", passwordHash: nil, activatedAt: "$2b$x", stamp: nil),
      Fingerprint.make(key: key, userID: "u", passwordHash: "", activatedAt: nil, stamp: nil),
      Fingerprint.make(
        key: [1] + key.dropFirst(), userID: "u", passwordHash: "$2b$x", activatedAt: nil, stamp: nil
      ),
    ]
    #expect(Set(others + [base]).count == others.count + 1)
  }

  @Test func codeHashMatchesOnlyItsCodeAndContext() {
    let key = Self.secret
    let h = CodeHash.make(key: key, code: "123456", context: "u-1 reset")
    #expect(!h.contains("123456"))
    #expect(CodeHash.matches(key: key, code: "123456", context: "u-1 reset", hash: h))
    #expect(!CodeHash.matches(key: key, code: "123457", context: "u-1 reset", hash: h))
    #expect(!CodeHash.matches(key: key, code: "123456", context: "u-2 reset", hash: h))
    #expect(
      !CodeHash.matches(key: [0] + key.dropFirst(), code: "123456", context: "u-1 reset", hash: h))
    #expect(!CodeHash.matches(key: key, code: "123456", context: "u-1 reset", hash: ""))
    // The encoding is unambiguous: moving a character between context and code changes it.
    #expect(
      CodeHash.make(key: key, code: "1", context: "ab")
        != CodeHash.make(key: key, code: "b1", context: "a"))
  }
}

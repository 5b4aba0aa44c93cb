import AuthKit
import Foundation
import TestSupport
import Testing

/// `AppHash` against published test vectors (RFC 6070 for PBKDF2-HMAC-SHA1, RFC 7914 §12 for
/// scrypt) written in the apps' formats, its shapes, and its bounds. The interop tests with
/// the real libraries are `AppHashInteropTests`, through the binary.
@Suite struct AppHashTests {
  @Test func publishedVectors() throws {
    // RFC 6070: P = "password", S = "salt", c = 4096, dkLen = 20.
    let sha1 = try #require(
      AppHash.parse("pbkdf2:sha1:4096$salt$4b007901b765489abead49d926f721d065a429c1"))
    #expect(sha1.scheme == .werkzeugPBKDF2 && sha1.kdf == .pbkdf2(digest: "sha1", iterations: 4096))
    #expect(sha1.verify("password") && !sha1.verify("passwore"))
    // RFC 7914 §12: P = "password", S = "NaCl", N = 1024, r = 8, p = 16, dkLen = 64.
    let scrypt = try #require(
      AppHash.parse(
        "scrypt:1024:8:16$NaCl$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
      ))
    #expect(scrypt.kdf == .scrypt(n: 1024, r: 8, p: 16))
    #expect(scrypt.verify("password") && !scrypt.verify("Password"))
    let hasher = try PasswordHasher(cost: 4)
    let text = "pbkdf2:sha1:4096$salt$4b007901b765489abead49d926f721d065a429c1"
    #expect(hasher.verify("password", against: text) && hasher.needsRehash(text))
  }

  @Test func eachFormatsShape() throws {
    let key32 = String(repeating: "0f", count: 32)
    let w = try #require(AppHash.parse("pbkdf2:sha256$s4lt$\(key32)"))
    #expect(w.kdf == .pbkdf2(digest: "sha256", iterations: AppHash.werkzeugDefaultIterations))
    #expect(Array(w.salt) == Array("s4lt".utf8) && w.key.count == 32)
    #expect(
      AppHash.parse("scrypt$s$" + String(repeating: "ab", count: 64))?.kdf
        == .scrypt(n: 32768, r: 8, p: 1))
    let django = try #require(
      AppHash.parse("pbkdf2_sha256$870000$abc$" + String(repeating: "A", count: 43) + "="))
    #expect(
      django.scheme == .djangoPBKDF2 && django.kdf == .pbkdf2(digest: "sha256", iterations: 870000))
    let passlib = try #require(
      AppHash.parse("$pbkdf2-sha512$25000$c2FsdA$" + String(repeating: "A", count: 86)))
    #expect(passlib.scheme == .passlibPBKDF2 && Array(passlib.salt) == Array("salt".utf8))
    #expect(
      AppHash.parse("$pbkdf2$1000$c2FsdA$" + String(repeating: "A", count: 27))?.kdf
        == .pbkdf2(digest: "sha1", iterations: 1000))
    for bad in [
      "pbkdf2:sha256:1000$$\(key32)", "pbkdf2:sha256:1000$s$\(key32)x",
      "pbkdf2:sha256:x$s$\(key32)",
      "pbkdf2:sha256:-5$s$\(key32)", "pbkdf2:sha256:1000:9$s$\(key32)", "pbkdf2:sha3$s$\(key32)",
      "scrypt:1000:8:1$s$" + String(repeating: "ab", count: 64),
      "scrypt:1024:8$s$" + String(repeating: "ab", count: 64),
      "pbkdf2_sha512$1000$s$" + String(repeating: "A", count: 86) + "==",
      "pbkdf2_sha256$1000$s$" + String(repeating: "A", count: 43),
      "$pbkdf2-sha256$1000$$" + String(repeating: "A", count: 43), "$pbkdf2-md5$1000$c2FsdA$AAAA",
      "$2b$04$abcdefghijklmnopqrstuu5vQ1lE3H6d3rGx0ZcM2Jv1p2rmpV3g2", "",
    ] {
      #expect(AppHash.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func boundsForImportAndForAnyStoredHash() throws {
    let key32 = String(repeating: "0f", count: 32)
    let key64 = String(repeating: "ab", count: 64)
    #expect(AppHash.parse("pbkdf2:sha256:2000000$s$\(key32)")?.expense == nil)
    #expect(AppHash.parse("pbkdf2:sha256:2000001$s$\(key32)")?.expense != nil)
    #expect(AppHash.parse("scrypt:131072:8:1$s$\(key64)")?.expense == nil, "128 MiB")
    #expect(AppHash.parse("scrypt:262144:8:1$s$\(key64)")?.expense != nil, "256 MiB")
    #expect(AppHash.parse("scrypt:16384:8:9$s$\(key64)")?.expense != nil, "N·r·p above 2^20")
    #expect(AppHash.parse("pbkdf2:sha256:100000001$s$\(key32)") == nil, "past the hard bound")
    #expect(AppHash.parse("scrypt:2097152:8:1$s$\(key64)") == nil, "2 GiB")
    #expect(AppHash.parse("scrypt:1024:8:65$s$\(key64)") == nil, "p above 64")
    #expect(HashFormat.problem("pbkdf2:sha256:1000$s$\(key32)") == nil)
    #expect(HashFormat.problem("pbkdf2:sha256:1000$s$abc")?.contains("Werkzeug") == true)
    #expect(HashFormat.expense("pbkdf2:sha256:3000000$s$\(key32)") != nil)
  }

  @Test func theTypedAndTheNFCFormsBothVerify() throws {
    // Werkzeug hashes the bytes as typed; authctl also tries the NFC form (what it hashes).
    func werkzeug(_ password: String) throws -> AppHash {
      let hex = try python(
        "import hashlib, sys; print(hashlib.pbkdf2_hmac('sha1', sys.argv[1].encode(), b'salt', 1).hex())",
        [password]
      ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      return try #require(AppHash.parse("pbkdf2:sha1:1$salt$\(hex)"))
    }
    let composed = "caf\u{e9} crème"
    let decomposed = "caf\u{65}\u{301} cre\u{300}me"
    #expect(try werkzeug(composed).verify(decomposed), "typed decomposed, stored composed")
    #expect(try werkzeug(decomposed).verify(decomposed), "as typed")
    #expect(try !werkzeug(composed).verify("cafe creme"))
  }
}

import Testing

@testable import AuthKit

/// Known answers for the OpenSSL-backed primitives: RFC 4231 (HMAC-SHA256), RFC 5869 (HKDF),
/// FIPS 180-4 examples (SHA-256), and constant-time comparison.
@Suite struct CryptoPrimitivesTests {
  static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  /// RFC 4231 §4.2–4.5, 4.7, 4.8 (test case 5, truncated output, is not applicable).
  @Test(arguments: [
    (
      [UInt8](repeating: 0x0b, count: 20), bytes("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    ),
    (
      bytes("Jefe"), bytes("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    ),
    (
      [UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
    ),
    (
      Array(1...25), [UInt8](repeating: 0xcd, count: 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    ),
    (
      [UInt8](repeating: 0xaa, count: 131),
      bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    ),
    (
      [UInt8](repeating: 0xaa, count: 131),
      bytes(
        "This is a test using a larger than block-size key and a larger than block-size data. "
          + "The key needs to be hashed before being used by the HMAC algorithm."),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    ),
  ])
  func hmacSHA256RFC4231(key: [UInt8], message: [UInt8], expected: String) {
    #expect(Hex.encode(HMAC.sha256(key: key, message: message)) == expected)
  }

  @Test func hmacWithAnEmptyKeyMatchesPython() {
    // Python: hmac.new(b"", b"abc", hashlib.sha256).hexdigest()
    #expect(
      Hex.encode(HMAC.sha256(key: [], message: Self.bytes("abc")))
        == "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351")
  }

  @Test func hkdfSHA256RFC5869Case1() throws {
    let okm = try HKDF.sha256(
      secret: [UInt8](repeating: 0x0b, count: 22), salt: Array(0...12), info: Array(0xf0...0xf9),
      length: 42)
    #expect(
      Hex.encode(okm)
        == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
  }

  @Test func hkdfStringInfoAndLimits() throws {
    let a = try HKDF.sha256(secret: Array(repeating: 1, count: 32), salt: [], info: "a", length: 32)
    let b = try HKDF.sha256(secret: Array(repeating: 1, count: 32), salt: [], info: "b", length: 32)
    #expect(a.count == 32 && a != b)
    #expect(throws: CryptoError.self) {
      try HKDF.sha256(secret: [1], salt: [], info: "x", length: 255 * 32 + 1)
    }
  }

  @Test func sha256FIPS180Examples() {
    #expect(
      Hex.encode(Digest.sha256(Self.bytes("abc")))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      Hex.encode(Digest.sha256([]))
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  }

  @Test func constantTimeEqualsComparesLengthThenBytes() {
    #expect(constantTimeEquals([], []))
    #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
    #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
    #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
    #expect(!constantTimeEquals([], [0]))
  }

  @Test func cryptoErrorMessagesCarryOpenSSLText() {
    #expect(CryptoError.randomFailure.message.contains("RAND_bytes"))
    // Nothing is queued here: the function name alone.
    let error = CryptoError.openssl(function: "EVP_Test")
    #expect(error == .openssl(OpenSSLError(context: "EVP_Test failed", stack: [])))
    #expect(error.message == "OpenSSL: EVP_Test failed")
  }
}

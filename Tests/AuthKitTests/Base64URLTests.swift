import AuthKit
import Testing

/// base64url without padding, strict (RFC 4648 §5, RFC 7515 §2).
@Suite struct Base64URLTests {
  @Test func rfc4648Vectors() {
    let vectors = [
      ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
      ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ]
    for (plain, coded) in vectors {
      #expect(Base64URL.encode(Array(plain.utf8)) == coded)
      #expect(Base64URL.decode(coded) == Array(plain.utf8))
    }
  }

  @Test func urlAlphabet() {
    #expect(Base64URL.encode([0xfb, 0xff, 0xbf]) == "-_-_")
    #expect(Base64URL.decode("-_-_") == [0xfb, 0xff, 0xbf])
  }

  @Test func roundTripsEveryLength() throws {
    for n in 0..<70 {
      let b = try Random.bytes(n)
      #expect(Base64URL.decode(Base64URL.encode(b)) == b)
    }
  }

  @Test(arguments: [
    "Zg==", "Zg=", "Zm9v=", "Z", "Zm9vY", "Zm+v", "Zm/v", "Zm9 v", "Zm9v\n", "Zh", "Zm9", "Zm8=",
    "Zm-", "ä",
  ])
  func refusesPaddingForeignCharactersAndNonCanonicalBits(_ text: String) {
    // "Zh" and "Zm9" carry non-zero unused bits: "Zg" and "Zm8" are the canonical forms.
    #expect(Base64URL.decode(text) == nil)
  }
}

import Testing

@testable import AuthKit

/// The HS256 framing and signature layer (RFC 7515), below the claims.
@Suite struct JWSTests {
  /// RFC 7515 Appendix A.1: the HS256 example JWS and its JWK key `k`.
  static let rfcToken =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
  static let rfcKey = Base64URL.decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")!

  @Test func rfc7515A1Verifies() throws {
    let payload = try #require(JWS.verifyHS256(token: Self.rfcToken, key: Self.rfcKey))
    // The payload's raw bytes, CR LF included, as the RFC lists them.
    #expect(
      String(decoding: payload, as: UTF8.self)
        == "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}")
  }

  @Test func rfc7515A1WithAnotherKeyOrAFlippedBitFails() {
    var key = Self.rfcKey
    key[0] ^= 1
    #expect(JWS.verifyHS256(token: Self.rfcToken, key: key) == nil)
    var chars = Array(Self.rfcToken)
    chars[60] = chars[60] == "A" ? "B" : "A"
    #expect(JWS.verifyHS256(token: String(chars), key: Self.rfcKey) == nil)
  }

  @Test func signThenVerifyRoundTrips() {
    let key = [UInt8](repeating: 7, count: 32)
    let token = JWS.signHS256(
      header: Array(#"{"alg":"HS256"}"#.utf8), payload: Array("anything".utf8), key: key)
    #expect(JWS.verifyHS256(token: token, key: key) == Array("anything".utf8))
  }

  @Test(arguments: [
    #"{"alg":"none"}"#, #"{"alg":"HS512"}"#, #"{"alg":"RS256"}"#, #"{"alg":"hs256"}"#,
    #"{"alg":"HS256 "}"#, #"{"typ":"JWT"}"#, #"{"alg":["HS256"]}"#, #"{"alg":"HS256","typ":"JWS"}"#,
    #"{"alg":"HS256","typ":1}"#, #"["HS256"]"#, "not json", "",
  ])
  func refusesAnyHeaderButHS256EvenWhenTheMACIsRight(_ header: String) {
    let key = [UInt8](repeating: 7, count: 32)
    let token = JWS.signHS256(header: Array(header.utf8), payload: Array("{}".utf8), key: key)
    #expect(JWS.verifyHS256(token: token, key: key) == nil)
  }

  @Test func refusesAlgNoneWithAnEmptySignature() {
    let token =
      Base64URL.encode(Array(#"{"alg":"none"}"#.utf8)) + "."
      + Base64URL.encode(Array("{}".utf8)) + "."
    #expect(JWS.verifyHS256(token: token, key: []) == nil)
  }
}

import Testing

@testable import AuthKit

/// authctl's tokens: the shape it signs, and a test for each refusal.
@Suite struct TokenSignerTests {
  static let key = Array("0123456789abcdef0123456789abcdef".utf8)
  static let now: Int64 = 1_700_000_000
  let signer = TokenSigner(key: key, issuer: "authctl")

  func token(_ purpose: TokenPurpose = .activateAccount, lifetime: Int64 = 1800) throws -> String {
    try signer.sign(
      purpose: purpose, email: "ann@example.com", userID: "u-1", issuedAt: Self.now,
      lifetime: lifetime, fingerprint: "fp1", codeHash: "ch1", sessionID: "s1")
  }

  /// A token over `payload` (raw bytes) with a correct HS256 MAC under `key`.
  static func forged(_ payload: [UInt8], header: String = #"{"alg":"HS256","typ":"JWT"}"#)
    -> String
  {
    JWS.signHS256(header: Array(header.utf8), payload: payload, key: key)
  }

  static func forged(_ json: String) -> String { forged(Array(json.utf8)) }

  static let goodSub = #""sub":{"email":"a@b.c","user_id":"u"}"#
  static let goodAud = #""aud":["purpose:activate_account"]"#

  @Test func signsTheOriginalShape() throws {
    let parts = try token().split(separator: ".").map(String.init)
    #expect(parts.count == 3)
    let header = String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self)
    #expect(header == #"{"alg":"HS256","typ":"JWT","kid":"\#(UUID5.dns("ann@example.com"))"}"#)
    let payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
    #expect(
      payload
        == #"{"iss":"authctl","aud":["purpose:activate_account"],"iat":1700000000,"#
        + #""exp":1700001800,"sub":{"email":"ann@example.com","user_id":"u-1"},"#
        + #""fp":"fp1","code_hash":"ch1","sid":"s1"}"#)
  }

  @Test func verifiesWhatItSigns() throws {
    let claims = try signer.verify(try token(), purpose: .activateAccount, now: Self.now)
    #expect(
      claims
        == TokenClaims(
          issuer: "authctl", audience: ["purpose:activate_account"], issuedAt: Self.now,
          expiresAt: Self.now + 1800, email: "ann@example.com", userID: "u-1",
          fingerprint: "fp1", codeHash: "ch1", sessionID: "s1"))
  }

  @Test func expiryHonoursTheLeewayToTheSecond() throws {
    let t = try token(lifetime: 100)
    let exp = Self.now + 100
    #expect(
      try signer.verify(t, purpose: .activateAccount, now: exp + 60).email == "ann@example.com")
    #expect(throws: TokenError.expired) {
      try signer.verify(t, purpose: .activateAccount, now: exp + 61)
    }
  }

  @Test func onePurposeIsNeverAcceptedForAnother() throws {
    for issued in TokenPurpose.allCases {
      let t = try token(issued)
      for presented in TokenPurpose.allCases where presented != issued {
        #expect(throws: TokenError.invalid) {
          try signer.verify(t, purpose: presented, now: Self.now)
        }
      }
    }
  }

  @Test func refusesWrongKeyIssuerAndTampering() throws {
    let t = try token()
    let otherKey = TokenSigner(key: Array(repeating: 1, count: 32), issuer: "authctl")
    #expect(throws: TokenError.invalid) {
      try otherKey.verify(t, purpose: .activateAccount, now: Self.now)
    }
    let otherIssuer = TokenSigner(key: Self.key, issuer: "DarkEngine")
    #expect(throws: TokenError.invalid) {
      try otherIssuer.verify(t, purpose: .activateAccount, now: Self.now)
    }
    let parts = t.split(separator: ".").map { Array(Base64URL.decode(String($0))!) }
    for part in 1...2 {  // one flipped bit in the payload, then in the signature
      var p = parts
      p[part][p[part].count / 2] ^= 0x01
      let tampered = p.map(Base64URL.encode).joined(separator: ".")
      #expect(throws: TokenError.invalid) {
        try signer.verify(tampered, purpose: .activateAccount, now: Self.now)
      }
    }
  }

  @Test func refusesBadFraming() throws {
    let t = try token()
    let parts = t.split(separator: ".").map(String.init)
    let bad = [
      String(t.dropLast()),  // truncated
      parts[0] + "." + parts[1],  // two parts
      t + "." + parts[2],  // four parts
      t + "=",  // padding
      parts[0] + "." + parts[1] + "=." + parts[2],
      " " + t, "", "..",
    ]
    for b in bad {
      #expect(throws: TokenError.invalid) {
        try signer.verify(b, purpose: .activateAccount, now: Self.now)
      }
    }
  }

  @Test func refusesTokensOver8KiB() throws {
    let big = try signer.sign(
      purpose: .activateAccount, email: String(repeating: "a", count: 6200) + "@example.com",
      userID: "u", issuedAt: Self.now, lifetime: 60)
    #expect(big.utf8.count > 8192)
    #expect(throws: TokenError.invalid) {
      try signer.verify(big, purpose: .activateAccount, now: Self.now)
    }
  }

  @Test func refusesAlgorithmsOtherThanHS256() throws {
    let payload =
      #"{"iss":"authctl",\#(Self.goodAud),"iat":1700000000,"exp":1700001800,\#(Self.goodSub)}"#
    #expect(
      try signer.verify(Self.forged(payload), purpose: .activateAccount, now: Self.now).email
        == "a@b.c")
    for alg in ["none", "HS512", "RS256", "hs256"] {
      let t = Self.forged(Array(payload.utf8), header: #"{"alg":"\#(alg)","typ":"JWT"}"#)
      #expect(throws: TokenError.invalid) {
        try signer.verify(t, purpose: .activateAccount, now: Self.now)
      }
    }
  }

  @Test func refusesBadPayloads() {
    let iat = #""iss":"authctl",\#(Self.goodAud),"iat":1700000000"#
    let payloads: [[UInt8]] = [
      Array("not json".utf8),
      Array("[1,2]".utf8),
      [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d],  // {"\xff\xfe":1}: not UTF-8
      Array(#"{\#(iat),"exp":"1700001800",\#(Self.goodSub)}"#.utf8),  // exp a string
      Array(#"{\#(iat),"exp":true,\#(Self.goodSub)}"#.utf8),  // exp a boolean
      Array(#"{\#(iat),"exp":1700001800.5,\#(Self.goodSub)}"#.utf8),  // exp fractional
      Array(#"{\#(iat),\#(Self.goodSub)}"#.utf8),  // no exp
      Array(#"{\#(iat),"exp":1700001800,"sub":"a@b.c"}"#.utf8),  // sub a string
      Array(#"{\#(iat),"exp":1700001800,"sub":{"email":"a@b.c","user_id":7}}"#.utf8),
      Array(#"{"iss":7,\#(Self.goodAud),"iat":1,"exp":1700001800,\#(Self.goodSub)}"#.utf8),
      Array(#"{"iss":"authctl","aud":[1],"iat":1,"exp":1700001800,\#(Self.goodSub)}"#.utf8),
      Array(#"{\#(iat),"exp":1700001800,"nbf":"0",\#(Self.goodSub)}"#.utf8),
      Array(#"{\#(iat),"exp":1700001800,"fp":1,\#(Self.goodSub)}"#.utf8),
    ]
    for p in payloads {
      #expect(throws: TokenError.invalid) {
        try signer.verify(Self.forged(p), purpose: .activateAccount, now: Self.now)
      }
    }
  }

  @Test func acceptsIntegralNumbersAndAStringAudience() throws {
    let payload =
      #"{"iss":"authctl","aud":"purpose:activate_account","iat":1.7e9,"exp":1700001800.0,\#(Self.goodSub)}"#
    let claims = try signer.verify(Self.forged(payload), purpose: .activateAccount, now: Self.now)
    #expect(claims.issuedAt == 1_700_000_000 && claims.expiresAt == 1_700_001_800)
    #expect(claims.audience == ["purpose:activate_account"])
  }

  @Test func notBeforeWithLeeway() throws {
    func t(_ nbf: Int64) -> String {
      Self.forged(
        #"{"iss":"authctl",\#(Self.goodAud),"iat":1,"exp":1700001800,"nbf":\#(nbf),\#(Self.goodSub)}"#
      )
    }
    #expect(
      try signer.verify(t(Self.now + 60), purpose: .activateAccount, now: Self.now).notBefore
        == Self.now + 60)
    #expect(throws: TokenError.invalid) {
      try signer.verify(t(Self.now + 61), purpose: .activateAccount, now: Self.now)
    }
  }

  /// Found by fuzzing (Tests/Fuzz/TokenFuzz.swift, corpus token/crash-nbf-overflow): `now +
  /// leeway` overflowed and trapped for a token with `nbf` verified at the end of time.
  @Test func notBeforeAtTheEndOfTimeDoesNotTrap() throws {
    let payload =
      #"{"iss":"authctl",\#(Self.goodAud),"iat":0,"exp":9223372036854775807,"nbf":0,\#(Self.goodSub)}"#
    let claims = try signer.verify(Self.forged(payload), purpose: .activateAccount, now: .max)
    #expect(claims.notBefore == 0)
  }

  @Test func clearCodeOfTheOriginalTopLevelOrInSub() throws {
    let top =
      #"{"iss":"authctl",\#(Self.goodAud),"iat":1,"exp":1700001800,\#(Self.goodSub),"code":"123456"}"#
    let inSub =
      #"{"iss":"authctl",\#(Self.goodAud),"iat":1,"exp":1700001800,"sub":{"email":"a@b.c","user_id":"u","code":"654321"}}"#
    #expect(
      try signer.verify(Self.forged(top), purpose: .activateAccount, now: Self.now).code == "123456"
    )
    #expect(
      try signer.verify(Self.forged(inSub), purpose: .activateAccount, now: Self.now).code
        == "654321")
  }

  @Test func messagesLeakNothing() {
    #expect(TokenError.invalid.message == "invalid token")
    #expect(TokenError.expired.message == "token expired")
    #expect(TokenError.used.message == "token already used")
  }
}

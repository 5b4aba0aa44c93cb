import AuthKit
import TestSupport
import Testing

/// Tokens pass between authctl and PyJWT (Debian python3-jwt), as between authctl and the
/// original app.
@Suite struct TokenInteropTests {
  static let secret = "an interop secret of at least thirty-two bytes"

  @Test func pyJWTDecodesWhatAuthctlSigns() throws {
    let now = Clock.system.now().seconds
    let signer = TokenSigner(key: Array(Self.secret.utf8), issuer: "authctl")
    let token = try signer.sign(
      purpose: .activateAccount, email: "ann@example.com", userID: "u-42", issuedAt: now,
      lifetime: 600, fingerprint: "fpfpfp")
    let r = try python(
      """
      import sys, json, jwt
      token, secret = sys.argv[1], sys.argv[2]
      claims = jwt.decode(token, secret, algorithms=["HS256"],
                          audience="purpose:activate_account", issuer="authctl")
      print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims},
                       sort_keys=True))
      """, [token, Self.secret])
    try #require(r.status == 0, "PyJWT refused: \(r.stderr)")
    let expected =
      #"{"claims": {"aud": ["purpose:activate_account"], "exp": \#(now + 600), "fp": "fpfpfp", "#
      + #""iat": \#(now), "iss": "authctl", "sub": {"email": "ann@example.com", "user_id": "u-42"}}, "#
      + #""header": {"alg": "HS256", "kid": "\#(UUID5.dns("ann@example.com"))", "typ": "JWT"}}"#
    #expect(r.stdout.trimmingWhitespace == expected)
  }

  @Test func authctlAcceptsATokenOfTheOriginalShapeFromPyJWT() throws {
    let now = Clock.system.now().seconds
    let r = try python(
      """
      import sys, jwt, uuid
      secret, now = sys.argv[1], int(sys.argv[2])
      email = "bob@example.com"
      print(jwt.encode({"iss": "DarkEngine", "aud": ["purpose:reset_password"], "iat": now,
                        "exp": now + 1800, "sub": {"email": email, "user_id": "7"},
                        "code": "123456"}, secret, algorithm="HS256",
                       headers={"kid": str(uuid.uuid5(uuid.NAMESPACE_DNS, email))}))
      """, [Self.secret, String(now)])
    try #require(r.status == 0, "PyJWT: \(r.stderr)")
    let token = r.stdout.trimmingWhitespace
    let signer = TokenSigner(key: Array(Self.secret.utf8), issuer: "DarkEngine")
    let claims = try signer.verify(token, purpose: .resetPassword, now: now)
    #expect(claims.email == "bob@example.com" && claims.userID == "7")
    #expect(claims.code == "123456")
    #expect(claims.expiresAt == now + 1800)
    #expect(throws: TokenError.invalid) {
      try signer.verify(token, purpose: .activateAccount, now: now)
    }
    #expect(throws: TokenError.invalid) {
      try TokenSigner(key: Array(Self.secret.utf8), issuer: "authctl")
        .verify(token, purpose: .resetPassword, now: now)
    }
  }
}

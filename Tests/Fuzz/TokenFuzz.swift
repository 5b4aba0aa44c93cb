// libFuzzer target: the token parser, from a pasted link (TokenInput) down to the JWS framing,
// base64url, and the JSON header and claims (TokenSigner.verify, JWS.verifyHS256). The first
// byte picks what the rest is:
//   0: a whole token, verified for every purpose;
//   1: a claim set, signed with the fuzz key (so the claim parser is reached past the MAC);
//   2: a header, signed over a valid claim set;
//   3: base64url text;
//   4: what a person pastes: TokenInput.parse, then verification of what it yields.
@testable import AuthKit

private let key = Array("fuzz-key-0123456789abcdef-0123456".utf8)
private let signer = TokenSigner(key: key, issuer: "authctl")
private let header = Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)
private let claims = Array(
  (#"{"iss":"authctl","aud":"purpose:session","iat":1700000000,"exp":1700003600,"#
    + #""sub":{"email":"a@example.com","user_id":"1"}}"#).utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let mode = data[0] % 5
  let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  switch mode {
  case 0:
    verifyEverywhere(String(decoding: rest, as: UTF8.self))
  case 1:
    let token = JWS.signHS256(header: header, payload: rest, key: key)
    if token.utf8.count <= JWS.maxLength {
      precondition(JWS.verifyHS256(token: token, key: key) == rest, "own signature refused")
    }
    verifyEverywhere(token)
    if let members = JSONValue.object(rest), let parsed = TokenClaims(members: members) {
      // What the claim parser accepts, the writer writes back to the same claims.
      guard let again = JSONValue.object(parsed.json), let reparsed = TokenClaims(members: again)
      else { preconditionFailure("written claims do not parse") }
      precondition(reparsed == parsed, "claims change through JSON")
    }
  case 2:
    verifyEverywhere(JWS.signHS256(header: rest, payload: claims, key: key))
  case 3:
    let text = String(decoding: rest, as: UTF8.self)
    if let bytes = Base64URL.decode(text) {
      precondition(Base64URL.encode(bytes) == text, "base64url text is not canonical")
    }
  default:
    guard let input = try? TokenInput.parse(String(decoding: rest, as: UTF8.self)) else {
      return 0
    }
    let parts = input.token.utf8.split(
      separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    precondition(parts.count == 3 && parts.allSatisfy { !$0.isEmpty }, "not three parts")
    precondition(input.token.utf8.count <= 8192, "token longer than 8 KiB")
    guard let again = try? TokenInput.parse(input.token) else {
      preconditionFailure("a parsed token does not parse again")
    }
    precondition(again.token == input.token, "a bare token changes when parsed again")
    verifyEverywhere(input.token)
  }
  return 0
}

private func verifyEverywhere(_ token: String) {
  for purpose in TokenPurpose.allCases {
    for now: Int64 in [0, 1_700_000_000, .max] {
      _ = try? signer.verify(token, purpose: purpose, now: now)
    }
  }
}

extension FlowRun {
  /// The claims of the pasted token or link `input`, verified for `purpose` at the clock's
  /// time (77: "token expired; `wayOut`", or why it is invalid), its email named in the run's
  /// records from then on, and the link's `electric_mail` checked against it.
  func claims(of input: TokenInput, _ purpose: TokenPurpose, wayOut: String) throws
    -> TokenClaims
  {
    let signer = try ctx.signer
    let claims: TokenClaims
    do throws(TokenError) {
      claims = try signer.verify(input.token, purpose: purpose, now: ctx.now())
    } catch {
      throw FlowError.refused(error == .expired ? "token expired; \(wayOut)" : error.message)
    }
    about(claims.email)
    try input.checkElectricMail(claims.email, configuredCost: ctx.hasher.cost)
    return claims
  }
}

extension PasswordHasher {
  /// A `$2b$` setting at this hasher's cost, to verify against when there is no account: the
  /// unknown account then costs one bcrypt at the configured cost, like a known one, so the
  /// time taken does not tell which addresses exist (OWASP Authentication Cheat Sheet,
  /// "Authentication and Error Messages"). Its salt and checksum are all zero bits: a password
  /// matching it would be a 184-bit preimage, and `verifyDummy` ignores the result anyway.
  public var dummyHash: String {
    let costText = cost < 10 ? "0\(cost)" : "\(cost)"
    return "$2b$\(costText)$" + String(repeating: ".", count: 22 + 31)
  }

  /// Runs one bcrypt of `password` against `dummyHash` and ignores the result.
  public func verifyDummy(_ password: String) {
    _ = verify(password, against: dummyHash)
  }
}

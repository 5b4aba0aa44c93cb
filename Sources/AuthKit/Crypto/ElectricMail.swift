/// The original app's `electric_mail` query parameter: a bcrypt hash of the account's email,
/// checked when present and not needed when absent.
public enum ElectricMail {
  /// A new bcrypt hash of `email`.
  public static func make(_ email: String, hasher: PasswordHasher) throws -> String {
    try hasher.hash(email)
  }

  /// Whether `hash` is a bcrypt (or other verifiable) hash of `email`, in constant time.
  public static func matches(_ email: String, _ hash: String) -> Bool {
    PasswordHasher.verify(email, against: hash)
  }
}

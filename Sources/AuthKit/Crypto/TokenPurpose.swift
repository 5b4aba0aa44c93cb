/// What a token is for: its `aud` claim (RFC 7519 §4.1.3). A token of one purpose is never
/// accepted for another.
public enum TokenPurpose: String, Sendable, CaseIterable {
  case activateAccount = "purpose:activate_account"
  case resetPassword = "purpose:reset_password"
  case session = "purpose:session"
  /// A new address's confirmation (`email change`, `users set-email`; issue 16).
  case changeEmail = "purpose:change_email"
}

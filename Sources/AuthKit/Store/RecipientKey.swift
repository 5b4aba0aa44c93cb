/// The mailbox an address reaches, as the flood guard counts it (issue 11, property 17): the
/// whole address compared without case, and a `+tag` of the local part ignored, so
/// `Ann+1@Example.com`, `ann+2@example.com` and `ann@example.com` share one hourly allowance.
///
/// RFC 5321 §2.4 lets a receiving host treat the local part as case-sensitive, but no mail
/// system an account would use does; subaddressing with `+` is RFC 5233's convention (Sieve),
/// used by Gmail, Fastmail, Outlook.com, Postfix's `recipient_delimiter = +` and others. Other
/// provider-specific aliases (Gmail's ignored dots, `-` delimiters) are not folded: the key
/// never joins two addresses that a common mail system delivers to different people.
///
/// Another channel's address is its own key, prefixed with the channel (`telegram:12345`), so
/// the guard counts per channel and address and never mixes channels.
public enum RecipientKey {
  /// The key of `address` on `channel`: `of(address)` for mail, `channel:address` otherwise.
  public static func of(_ address: String, channel: NotificationChannel) -> String {
    channel == .mail ? of(address) : "\(channel.rawValue):\(address)"
  }

  /// The key of `address`: lower-cased, with the local part cut at its first `+` when
  /// something is left before it (`+tag@x` stays as is). Text without `@` is lower-cased only.
  public static func of(_ address: String) -> String {
    let lower = address.lowercased()
    guard let at = lower.lastIndex(of: "@") else { return lower }
    let local = lower[..<at]
    guard let plus = local.firstIndex(of: "+"), plus != local.startIndex else { return lower }
    return String(local[..<plus]) + String(lower[at...])
  }
}

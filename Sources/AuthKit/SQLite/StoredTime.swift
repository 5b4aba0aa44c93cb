/// Times at the store's edge (DESIGN.md, "Time"): an `Instant` is written as ISO-8601 UTC text
/// (`Timestamp`, one fixed width, so SQL compares it as text), and read back from any form
/// `Timestamp.parse` accepts — the original app's `activated_at` too
/// (`2021-06-10T12:34:56.123456`).
enum StoredTime {
  /// The instant a stored text names. A text that no form reads (written by hand) is the
  /// epoch: a time long past, so a lock or session ending then has ended, and an activation or
  /// a disable is still there, as the text's presence said before times were typed.
  static func instant(_ text: String) -> Instant { Timestamp.instant(text) ?? .epoch }

  /// The text `instant` is stored as.
  static func value(_ instant: Instant) -> SQLValue { .text(Timestamp.format(instant)) }

  /// The text `instant` is stored as, or NULL.
  static func value(_ instant: Instant?) -> SQLValue { instant.map(value) ?? .null }

  /// `instant` as text, keeping the row's `stored` text when it already names that instant: a
  /// field a flow did not change is written back byte for byte (the original app's
  /// `activated_at` with its microseconds and no zone stays as the app wrote it).
  static func value(_ instant: Instant?, keeping stored: String?) -> SQLValue {
    guard let instant else { return .null }
    if let stored, Self.instant(stored) == instant { return .text(stored) }
    return value(instant)
  }
}

extension StoredTime {
  /// The instant of the original app's `activated_at`: a blank text (`''` or white space, which
  /// the app may write and its Python reads as false) is no activation at all.
  static func activation(_ text: String?) -> Instant? {
    guard let text, !text.trimmingASCIIWhitespace().isEmpty else { return nil }
    return instant(text)
  }

  /// The text of `activated_at`: kept as the row holds it while it names the same instant,
  /// else written as `2026-11-29T19:59:08+00:00`, the form the original app's Python 3.7 to
  /// 3.10 `datetime.fromisoformat` reads (they refuse a `Z`).
  static func activationValue(_ instant: Instant?, keeping stored: String?) -> SQLValue {
    guard let instant else { return .null }
    if let stored, activation(stored) == instant { return .text(stored) }
    return .text(Timestamp.formatWithOffset(instant))
  }
}

extension Statement {
  /// The instant a time column holds.
  func instant(_ column: Int32) -> Instant { StoredTime.instant(text(column)) }

  /// The instant a time column holds, or nil for NULL.
  func optionalInstant(_ column: Int32) -> Instant? {
    isNull(column) ? nil : instant(column)
  }
}

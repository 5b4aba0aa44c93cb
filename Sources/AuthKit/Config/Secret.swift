/// A secret setting's value (`JWT_SECRET`, `SECRET_KEY`, `MAIL_PASSWORD`). It prints as `****`
/// however it is printed (description, debug description, `dump`), so it cannot slip into a
/// message or a log; the code that needs it takes its bytes explicitly.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  private let value: String

  init(_ value: String) { self.value = value }

  /// The UTF-8 bytes (as PyJWT takes a str key).
  public var bytes: [UInt8] { Array(value.utf8) }

  /// How many bytes of UTF-8 it has.
  public var byteCount: Int { value.utf8.count }

  /// The text itself, for the one place that sends it (SMTP AUTH).
  public var revealed: String { value }

  public var description: String { "****" }
  public var debugDescription: String { "****" }
  public var customMirror: Mirror { Mirror(self, children: []) }
}

/// A message a flow sends, before any channel renders it: a subject, a plain text, and the
/// secrets the text carries (tokens, codes, passwords), each on a line of its own, so a
/// channel or a log can find or redact them. Mail renders it as a MIME message (`MailMessage`);
/// a chat channel sends the text.
public struct Notice: Sendable, Equatable {
  public var subject: String
  public var text: String
  /// The secret strings in `text`.
  public var secrets: [String]

  public init(subject: String, text: String, secrets: [String] = []) {
    self.subject = subject
    self.text = text
    self.secrets = secrets
  }

  /// `text` with every secret replaced by `[redacted]`.
  public var redactedText: String {
    var out = text
    for secret in secrets where !secret.isEmpty {
      out = out.replacing(secret, with: "[redacted]")
    }
    return out
  }
}

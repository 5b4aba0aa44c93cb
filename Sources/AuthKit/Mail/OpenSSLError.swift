/// OpenSSL errors of the TLS transport, as text: the queue itself is read in one place,
/// `OpenSSLErrorQueue` (after swift-nio-ssl's `buildErrorStack`, NIOSSL/SSLErrors.swift).
enum OpenSSLError {
  /// Empties this thread's error queue and returns its entries joined by `; `, or `fallback`
  /// when it was empty.
  static func drain(_ fallback: String) -> String {
    let text = OpenSSLErrorQueue.drain()
    return text.isEmpty ? fallback : String(text.dropFirst(2))
  }

  /// Clears what earlier calls left, so a later `drain` reports only the next failure.
  static func clear() { OpenSSLErrorQueue.clear() }
}

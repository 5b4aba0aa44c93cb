import COpenSSL

/// The one place the OpenSSL error queue becomes text (after swift-nio-ssl's
/// `buildErrorStack`, NIOSSL/SSLErrors.swift).
enum OpenSSLError {
  /// Empties this thread's error queue (ERR_get_error(3)) and returns its entries joined by
  /// `; `, or `fallback` when it was empty.
  static func drain(_ fallback: String) -> String {
    var entries: [String] = []
    while true {
      let code = ERR_get_error()
      if code == 0 { break }
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      entries.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return entries.isEmpty ? fallback : entries.joined(separator: "; ")
  }

  /// Clears what earlier calls left, so a later `drain` reports only the next failure.
  static func clear() { ERR_clear_error() }
}

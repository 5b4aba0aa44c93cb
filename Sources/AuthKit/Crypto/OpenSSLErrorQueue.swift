import COpenSSL

/// OpenSSL's per-thread error queue, read once and emptied.
enum OpenSSLErrorQueue {
  /// Empties the queue without reading it (ERR_clear_error(3)).
  static func clear() { ERR_clear_error() }

  /// `": text1; text2"` for each queued error, oldest first, or `""` when the queue is empty.
  static func drain() -> String {
    var texts: [String] = []
    while true {
      let code = ERR_get_error()
      if code == 0 { break }
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      texts.append(
        String(
          decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
          as: UTF8.self))
    }
    return texts.isEmpty ? "" : ": " + texts.joined(separator: "; ")
  }
}

import COpenSSL

/// A failed OpenSSL call: what was being done, and this thread's OpenSSL error queue at that
/// moment, drained oldest first as typed entries (after swift-nio-ssl's `buildErrorStack`,
/// NIOSSL/SSLErrors.swift). The one place AuthKit reads the queue; the crypto primitives
/// (`CryptoError.openssl`) and TLS both use it. The context names a function, a host or a file,
/// never a secret, and OpenSSL's own texts hold none.
public struct OpenSSLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// One entry of the error queue (ERR_get_error(3)).
  public struct Entry: Sendable, Equatable, CustomStringConvertible {
    /// The packed error code.
    public let code: UInt
    /// The library that raised it (`ERR_LIB_PEM`, `ERR_LIB_X509`, `ERR_LIB_SSL`, …;
    /// ERR_GET_LIB(3)).
    public let library: Int32
    /// The library's reason code (`PEM_R_NO_START_LINE`, …; ERR_GET_REASON(3)).
    public let reason: Int32
    /// OpenSSL's text for the code, `error:…:library:function:reason` (ERR_error_string_n(3)).
    public let text: String

    public init(code: UInt) {
      self.code = code
      library = ERR_GET_LIB(code)
      reason = ERR_GET_REASON(code)
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      text = String(
        decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { text }
  }

  /// What failed, e.g. `EVP_PKEY_derive failed` or `cannot load CA file /etc/ca.pem`.
  public let context: String
  /// The queued errors, oldest first; empty when OpenSSL queued none.
  public let stack: [Entry]

  public init(context: String, stack: [Entry]) {
    self.context = context
    self.stack = stack
  }

  /// The context, then each entry's text: `context: text1; text2`.
  public var description: String {
    stack.isEmpty ? context : context + ": " + stack.map(\.text).joined(separator: "; ")
  }

  /// Empties this thread's error queue into a new error about `context` (ERR_get_error(3)).
  static func drain(_ context: String) -> OpenSSLError {
    var stack: [Entry] = []
    var code = ERR_get_error()
    while code != 0 {
      stack.append(Entry(code: code))
      code = ERR_get_error()
    }
    return OpenSSLError(context: context, stack: stack)
  }

  /// Empties this thread's error queue unread (ERR_clear_error(3)): before a call whose
  /// failure is read from the queue, so only that call's errors are reported, and after a
  /// failure reported otherwise, so none are left for the next OpenSSL user of this thread.
  static func clearQueue() { ERR_clear_error() }
}

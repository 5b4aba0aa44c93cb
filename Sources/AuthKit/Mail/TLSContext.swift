import COpenSSL
import Synchronization

/// An OpenSSL client context (SSL_CTX), freed in `deinit`: TLS 1.2 or later, peers verified
/// against the system trust store (SSL_CTX_set_default_verify_paths(3)) plus an optional CA file.
///
/// Built once per process and CA file (`shared(caFile:)`), not per connection: loading the
/// trust store is the costly part, and a mail flush may open several connections. The context
/// is not changed after `init`, so sessions on any thread may share it (openssl-threads(7));
/// each `SSL_new` takes its own reference to it (SSL_new(3)).
final class TLSContext: @unchecked Sendable {
  let handle: OpaquePointer

  /// The contexts built so far, by CA file (`""` for none). A failure is not kept, so a CA file
  /// fixed meanwhile is read again by the next connection.
  private static let cache = Mutex<[String: TLSContext]>([:])

  /// The process's context for `caFile`, built on first use.
  static func shared(caFile: String?) throws(MailError) -> TLSContext {
    let key = caFile ?? ""
    do {
      return try cache.withLock { (contexts) throws(OpenSSLError) -> TLSContext in
        if let context = contexts[key] { return context }
        let context = try TLSContext(caFile: key)
        contexts[key] = context
        return context
      }
    } catch {
      throw .tls(error.description)
    }
  }

  /// A new context; `caFile` is added to the system trust store unless it is nil or empty.
  init(caFile: String?) throws(OpenSSLError) {
    OpenSSLError.clearQueue()
    guard let ctx = SSL_CTX_new(TLS_client_method()) else {
      throw .drain("cannot create a TLS context")
    }
    handle = ctx
    guard copenssl_ctx_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 else {
      throw .drain("cannot require TLS 1.2")
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
    guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
      throw .drain("cannot load the system trust store")
    }
    if let caFile, !caFile.isEmpty {
      guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
        throw .drain("cannot load CA file \(caFile)")
      }
    }
  }

  deinit { SSL_CTX_free(handle) }
}

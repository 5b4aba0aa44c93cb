import COpenSSL

/// An OpenSSL client context (SSL_CTX), freed in `deinit`: TLS 1.2 or later, peers verified
/// against the system trust store (SSL_CTX_set_default_verify_paths(3)) plus an optional CA file.
final class TLSContext {
  let handle: OpaquePointer

  init(caFile: String?) throws(MailError) {
    OpenSSLError.clearQueue()
    guard let ctx = SSL_CTX_new(TLS_client_method()) else {
      throw .tls(OpenSSLError.drain("cannot create a TLS context").description)
    }
    handle = ctx
    guard copenssl_ctx_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 else {
      throw .tls(OpenSSLError.drain("cannot require TLS 1.2").description)
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
    guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
      throw .tls(OpenSSLError.drain("cannot load the system trust store").description)
    }
    if let caFile, !caFile.isEmpty {
      guard SSL_CTX_load_verify_locations(ctx, caFile, nil) == 1 else {
        throw .tls(OpenSSLError.drain("cannot load CA file \(caFile)").description)
      }
    }
  }

  deinit { SSL_CTX_free(handle) }
}

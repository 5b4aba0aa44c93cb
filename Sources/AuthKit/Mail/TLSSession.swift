import COpenSSL

#if canImport(Glibc)
  import Glibc
#endif

/// One TLS client session (SSL), freed in `deinit`, over memory BIOs: OpenSSL never touches the
/// socket, so all I/O goes through `Socket` (poll deadlines, no SIGPIPE).
///
/// The server's certificate must chain to a trusted CA and name `host` (SSL_set1_host(3), or
/// the IP address for a literal); SNI is sent for names, not for IP literals (RFC 6066 §3).
final class TLSSession {
  let handle: OpaquePointer
  /// The shared context the session was made from (SSL_new(3) also holds a reference).
  let context: TLSContext
  private let input: OpaquePointer  // network → OpenSSL
  private let output: OpaquePointer  // OpenSSL → network
  private let socket: Socket

  init(context: TLSContext, socket: Socket, host: String) throws(OpenSSLError) {
    OpenSSLError.clearQueue()
    guard let ssl = SSL_new(context.handle) else { throw .drain("cannot create a TLS session") }
    guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
      SSL_free(ssl)
      throw .drain("cannot create TLS buffers")
    }
    SSL_set_bio(ssl, rbio, wbio)  // the session owns both now
    handle = ssl
    self.context = context
    input = rbio
    output = wbio
    self.socket = socket
    if Self.isIPLiteral(host) {
      guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else {
        throw .drain("cannot set the expected address \(host)")
      }
    } else {
      guard SSL_set1_host(ssl, host) == 1, copenssl_set_tlsext_host_name(ssl, host) == 1 else {
        throw .drain("cannot set the expected host name \(host)")
      }
    }
  }

  deinit { SSL_free(handle) }

  static func isIPLiteral(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  /// Runs the handshake (SSL_connect(3)) before `deadline`.
  ///
  /// SSL_get_error(3) is given the failing call's own return code, right after that call and
  /// with the error queue emptied before it; the same holds in `send` and `receive`.
  func handshake(until deadline: Deadline) throws(TransportFailure) {
    while true {
      OpenSSLError.clearQueue()
      let rc = SSL_connect(handle)
      let error = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(handle, rc)
      try flush(until: deadline)
      if rc == 1 { return }
      if error == SSL_ERROR_WANT_READ {
        try fill(until: deadline)
        continue
      }
      let verify = SSL_get_verify_result(handle)
      if verify != X509_V_OK {
        OpenSSLError.clearQueue()  // leave nothing queued for the next OpenSSL user of this thread
        throw .tls(
          "certificate verify failed: \(String(cString: X509_verify_cert_error_string(verify)))")
      }
      throw Self.failure("handshake failed (SSL error \(error))")
    }
  }

  /// Encrypts and sends all of `bytes` (SSL_write_ex(3); the memory BIO takes all of it).
  func send(_ bytes: [UInt8], until deadline: Deadline) throws(TransportFailure) {
    guard !bytes.isEmpty else { return }
    var written = 0
    OpenSSLError.clearQueue()
    let rc = bytes.withUnsafeBytes { SSL_write_ex(handle, $0.baseAddress!, $0.count, &written) }
    guard rc == 1 else {
      throw Self.failure("write failed (SSL error \(SSL_get_error(handle, rc)))")
    }
    try flush(until: deadline)
  }

  /// Decrypted bytes, waiting for the network until `deadline`; `.closed` at close_notify/EOF
  /// (SSL_read_ex(3)).
  func receive(until deadline: Deadline) throws(TransportFailure) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
      var count = 0
      OpenSSLError.clearQueue()
      let rc = buffer.withUnsafeMutableBytes {
        SSL_read_ex(handle, $0.baseAddress!, $0.count, &count)
      }
      if rc == 1 { return Array(buffer[0..<count]) }
      let error = SSL_get_error(handle, rc)
      try flush(until: deadline)
      switch error {
      case SSL_ERROR_WANT_READ: try fill(until: deadline)
      case SSL_ERROR_ZERO_RETURN: throw .closed
      default: throw Self.failure("read failed (SSL error \(error))")
      }
    }
  }

  /// Sends a close_notify alert, without waiting for the peer's; the result of SSL_shutdown(3)
  /// is not needed, since the socket closes next whatever it is.
  func shutdown() {
    SSL_shutdown(handle)
    try? flush(until: Deadline.after(seconds: 1))
    OpenSSLError.clearQueue()
  }

  /// `context` and the drained error queue, as a transport failure.
  private static func failure(_ context: String) -> TransportFailure {
    .tls(OpenSSLError.drain(context).description)
  }

  /// Moves what OpenSSL wrote into the output BIO to the socket (BIO_read(3)).
  private func flush(until deadline: Deadline) throws(TransportFailure) {
    var buffer = [UInt8](repeating: 0, count: 16384)
    while BIO_ctrl_pending(output) > 0 {
      let n = buffer.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress!, Int32($0.count)) }
      guard n > 0 else { throw Self.failure("cannot read the TLS output buffer") }
      try socket.send(Array(buffer[0..<Int(n)]), until: deadline)
    }
  }

  /// Feeds what the network has into the input BIO; a memory BIO takes all of it or fails
  /// (BIO_write(3), BIO_s_mem(3)).
  private func fill(until deadline: Deadline) throws(TransportFailure) {
    let bytes = try socket.receive(until: deadline)
    let n = bytes.withUnsafeBytes { BIO_write(input, $0.baseAddress!, Int32($0.count)) }
    guard n == bytes.count else {
      throw Self.failure("cannot buffer \(bytes.count) received bytes (BIO_write returned \(n))")
    }
  }
}

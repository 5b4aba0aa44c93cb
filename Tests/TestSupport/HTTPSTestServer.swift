import Foundation

/// A real HTTPS server for tests: `https_server.py` (Python's http.server over ssl) run by
/// `pythonPath`, on 127.0.0.1 and an ephemeral port, with a certificate of `TestCertificates`
/// (the test CA's `localhost` one unless told otherwise). By default it answers as the Pwned
/// Passwords range API does (`GET /range/PREFIX` → `SUFFIX:COUNT` lines, decoys of count 0
/// with `Add-Padding: true`) from the corpus it is given.
///
/// Every request is recorded before it is answered, so after the client returns,
/// `requests()` holds it. The Python process is stopped by `stop()`, in `deinit`, and when the
/// test process dies (it watches its stdin).
public final class HTTPSTestServer: @unchecked Sendable {
  public enum Mode: String, Sendable {
    /// The range API, from `corpus`.
    case range
    /// Every request gets `status` and `body`.
    case status
    /// The request comes back as JSON.
    case echo
    /// The request is read and never answered.
    case hang
    /// Bytes that are not HTTP.
    case garbage
  }

  public struct Options: Sendable {
    public var mode: Mode
    /// SHA-1 (hex) → count, for `.range`.
    public var corpus: [String: Int]
    /// Decoy lines when the request asks for padding.
    public var padding: Int
    /// The body in chunks (`Transfer-Encoding: chunked`) instead of with `Content-Length`.
    public var chunked: Bool
    /// Neither: the body ends when the connection closes.
    public var closeDelimited: Bool
    public var status: Int
    public var body: String
    /// nil = `TestCertificates.shared.localhost`.
    public var certificate: TestCertificates.ServerCertificate?

    public init(
      mode: Mode = .range, corpus: [String: Int] = [:], padding: Int = 50, chunked: Bool = false,
      closeDelimited: Bool = false, status: Int = 500, body: String = "",
      certificate: TestCertificates.ServerCertificate? = nil
    ) {
      self.mode = mode
      self.corpus = corpus
      self.padding = padding
      self.chunked = chunked
      self.closeDelimited = closeDelimited
      self.status = status
      self.body = body
      self.certificate = certificate
    }
  }

  /// One request as the server saw it.
  public struct Request: Sendable, Decodable {
    public var method: String
    public var path: String
    public var headers: [[String]]

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
      headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }
  }

  public let port: Int
  private let server: PythonServer

  public init(_ options: Options = .init()) throws {
    let cert = options.certificate ?? TestCertificates.shared.localhost
    let config: [String: Any] = [
      "cert": cert.certificatePath, "key": cert.keyPath, "mode": options.mode.rawValue,
      "corpus": options.corpus, "padding": options.padding, "chunked": options.chunked,
      "close_delimited": options.closeDelimited, "status": options.status, "body": options.body,
    ]
    server = try PythonServer(script: "https_server.py", config: config, label: "authctl-https")
    port = server.port
  }

  /// `https://localhost:PORT/range/`, the base the range API is queried at.
  public var rangeURL: String { "https://localhost:\(port)/range/" }

  /// Stops the server and waits for it. Safe to call more than once.
  public func stop() { server.stop() }

  /// Every request received so far, in order.
  public func requests() throws -> [Request] { try server.records("req-", as: Request.self) }

  /// The server's log, for failing tests.
  public var log: String { server.log }
}

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
  private let spool: TempDir
  private let process: Process
  private let stdinPipe: Pipe

  public static let scriptPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("https_server.py").path

  public init(_ options: Options = .init()) throws {
    spool = try TempDir("authctl-https")
    let cert = options.certificate ?? TestCertificates.shared.localhost
    let config: [String: Any] = [
      "cert": cert.certificatePath, "key": cert.keyPath, "mode": options.mode.rawValue,
      "corpus": options.corpus, "padding": options.padding, "chunked": options.chunked,
      "close_delimited": options.closeDelimited, "status": options.status, "body": options.body,
    ]
    let json = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
    process = Process()
    process.executableURL = URL(fileURLWithPath: pythonPath)
    process.arguments =
      (pythonPath == "/usr/bin/env" ? ["python3"] : []) + [Self.scriptPath, json, spool.path]
    stdinPipe = Pipe()
    let stdoutPipe = Pipe()
    let log = spool.file("server.log")
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try process.run()
    var line = Data()
    let reader = stdoutPipe.fileHandleForReading
    while !line.contains(10) {
      let chunk = reader.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("READY "), let p = Int(text.dropFirst(6)) else {
      process.waitUntilExit()
      let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      throw TestSupportError("https_server.py did not start: \(text)\n\(logText)")
    }
    port = p
  }

  deinit { stop() }

  /// `https://localhost:PORT/range/`, the base the range API is queried at.
  public var rangeURL: String { "https://localhost:\(port)/range/" }

  /// Stops the server and waits for it. Safe to call more than once.
  public func stop() {
    try? stdinPipe.fileHandleForWriting.close()
    guard process.isRunning else { return }
    process.terminate()
    for step in 0..<100 where process.isRunning {
      if step == 50 { kill(process.processIdentifier, SIGKILL) }
      usleep(50_000)
    }
  }

  /// Every request received so far, in order.
  public func requests() throws -> [Request] {
    let names = try FileManager.default.contentsOfDirectory(atPath: spool.path)
      .filter { $0.hasPrefix("req-") && $0.hasSuffix(".json") }.sorted()
    return try names.map {
      try JSONDecoder().decode(
        Request.self, from: Data(contentsOf: URL(fileURLWithPath: spool.file($0))))
    }
  }

  /// The server's log, for failing tests.
  public var log: String {
    (try? String(contentsOfFile: spool.file("server.log"), encoding: .utf8)) ?? ""
  }
}

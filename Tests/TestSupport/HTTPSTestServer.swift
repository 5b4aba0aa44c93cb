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
    /// Telegram's Bot API: `getMe`, `sendMessage` (recorded, answered by the send script),
    /// `getUpdates` (the scripted updates).
    case bot
  }

  /// One answer of the Bot API stand-in to a `sendMessage`.
  public struct BotReply: Sendable {
    public var status: Int
    public var retryAfter: Int?
    public var description: String

    public init(status: Int, retryAfter: Int? = nil, description: String = "error") {
      self.status = status
      self.retryAfter = retryAfter
      self.description = description
    }

    /// 429 with `parameters.retry_after`.
    public static func tooMany(retryAfter: Int) -> BotReply {
      BotReply(
        status: 429, retryAfter: retryAfter,
        description: "Too Many Requests: retry after \(retryAfter)")
    }

    var json: [String: Any] {
      var d: [String: Any] = ["status": status, "description": description]
      if let retryAfter { d["retry_after"] = retryAfter }
      return d
    }
  }

  /// A message the bot stand-in was asked to send.
  public struct SentMessage: Sendable, Decodable, Equatable {
    public var chat: Int64
    public var text: String

    public init(chat: Int64, text: String) {
      self.chat = chat
      self.text = text
    }

    enum CodingKeys: String, CodingKey {
      case chat = "chat_id"
      case text
    }
  }

  /// A `getUpdates` call as the stand-in saw it.
  public struct Poll: Sendable, Decodable {
    public var offset: Int64?
    public var limit: Int?
    public var timeout: Int?
    public var allowedUpdates: [String]?

    enum CodingKeys: String, CodingKey {
      case offset, limit, timeout
      case allowedUpdates = "allowed_updates"
    }
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
    /// `.bot`: the token it answers, its username, and the replies to the first sendMessages.
    public var token: String
    public var botUsername: String
    public var sendScript: [BotReply]

    public init(
      mode: Mode = .range, corpus: [String: Int] = [:], padding: Int = 50, chunked: Bool = false,
      closeDelimited: Bool = false, status: Int = 500, body: String = "",
      certificate: TestCertificates.ServerCertificate? = nil, token: String = "",
      botUsername: String = "authctl_test_bot", sendScript: [BotReply] = []
    ) {
      self.mode = mode
      self.corpus = corpus
      self.padding = padding
      self.chunked = chunked
      self.closeDelimited = closeDelimited
      self.status = status
      self.body = body
      self.certificate = certificate
      self.token = token
      self.botUsername = botUsername
      self.sendScript = sendScript
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
      "token": options.token, "bot_username": options.botUsername,
      "send_script": options.sendScript.map(\.json),
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

  /// `https://localhost:PORT`, the Bot API base (`TELEGRAM_API_URL`).
  public var baseURL: String { "https://localhost:\(port)" }

  /// The messages `sendMessage` was called with (answered ok or not), in order.
  public func sentMessages() throws -> [SentMessage] {
    try server.records("sent-", as: SentMessage.self)
  }

  /// The `getUpdates` calls, in order.
  public func polls() throws -> [Poll] { try server.records("poll-", as: Poll.self) }

  /// From the next call on, `getUpdates` serves these messages (update id, chat, text).
  public func setUpdates(_ updates: [(id: Int64, chat: Int64, text: String)]) throws {
    try writeSpool(
      "updates.json",
      updates.map { u -> [String: Any] in
        [
          "update_id": u.id,
          "message": [
            "message_id": u.id, "date": 1_700_000_000, "text": u.text,
            "chat": ["id": u.chat, "type": "private"],
            "from": ["id": u.chat, "is_bot": false, "first_name": "Test"],
          ] as [String: Any],
        ]
      })
  }

  /// From the next call on, the next sendMessages get these replies (then ok).
  public func setSendScript(_ replies: [BotReply]) throws {
    try writeSpool("script.json", replies.map(\.json))
  }

  private func writeSpool(_ name: String, _ value: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: value)
    let tmp = server.spool.file(name + ".tmp")
    try data.write(to: URL(fileURLWithPath: tmp))
    guard rename(tmp, server.spool.file(name)) == 0 else {
      throw TestSupportError("cannot put \(name) in the stand-in's spool")
    }
  }

  /// The server's log, for failing tests.
  public var log: String { server.log }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// The Bot API client (issue 15) against a local stand-in over real TLS with the test CA
/// (`HTTPSTestServer`, `.bot` mode): the three calls, how each kind of answer is taken (429
/// with `retry_after`, 5xx, 400/403, an unknown token), and that no message holds the token.
@Suite(.tags(.slow)) struct TelegramBotAPITests {
  static let token = "123456789:AAE-test_Key0123456789abcdefGHIJKLMNOP"

  /// A client for `server` (trusting the test CA), with `token`.
  static func api(_ server: HTTPSTestServer, token: String = token, ca: Bool = true) throws
    -> TelegramBotAPI
  {
    let dir = try TempDir("telegram-api")
    _ = FileManager.default.createFile(atPath: dir.file("empty.env"), contents: Data())
    var env = [
      "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": server.baseURL,
      "AUTHCTL_HTTP_TIMEOUT": "5s",
    ]
    if ca { env["AUTHCTL_TLS_CA_FILE"] = TestCertificates.shared.caPath }
    let config = try Config(
      environment: env, envFile: dir.file("empty.env"), observer: SilentObserver())
    return try TelegramBotAPI(settings: config.settings)
  }

  static func bot(_ script: [HTTPSTestServer.BotReply] = []) throws -> HTTPSTestServer {
    try HTTPSTestServer(.init(mode: .bot, token: token, sendScript: script))
  }

  /// The error `body` throws.
  static func failure(_ body: () throws -> Void) -> TelegramError? {
    do {
      try body()
      return nil
    } catch {
      return error as? TelegramError
    }
  }

  @Test func getMeSendMessageAndGetUpdates() throws {
    let server = try Self.bot()
    let api = try Self.api(server)
    #expect(try api.username() == "authctl_test_bot")
    #expect(api.botID == "123456789")
    try api.sendMessage(chatID: 4242, text: "Code: 123456\nline two ✓")
    #expect(try server.sentMessages() == [.init(chat: 4242, text: "Code: 123456\nline two ✓")])
    try server.setUpdates([
      (7, 10, "/start abc"), (8, 11, "hello"), (9, 12, "/start@authctl_test_bot xyz"),
    ])
    let all = try api.updates(offset: nil, limit: 100)
    #expect(all.map(\.updateID) == [7, 8, 9])
    #expect(all.map(\.startParameter) == ["abc", nil, "xyz"])
    #expect(all.map(\.chatID) == [10, 11, 12])
    let later = try api.updates(offset: 9, limit: 100)
    #expect(later.map(\.updateID) == [9])
    let polls = try server.polls()
    #expect(polls.count == 2)
    #expect(polls[0].offset == nil && polls[1].offset == 9)
    #expect(
      polls.allSatisfy { $0.timeout == 0 && $0.allowedUpdates == ["message"] && $0.limit == 100 })
    // Every request went to /bot<token>/<method> by POST.
    let requests = try server.requests()
    #expect(requests.map(\.method) == Array(repeating: "POST", count: 4))
    #expect(requests.map(\.path).allSatisfy { $0.hasPrefix("/bot\(Self.token)/") })
  }

  @Test func tooManyRequestsCarriesRetryAfter() throws {
    let server = try Self.bot([.tooMany(retryAfter: 37)])
    let api = try Self.api(server)
    let e = Self.failure { try api.sendMessage(chatID: 1, text: "x") }
    guard case .temporary(let text, let after)? = e else {
      Issue.record("not temporary: \(String(describing: e))")
      return
    }
    #expect(after == .seconds(37))
    #expect(text.contains("429") && text.contains("sendMessage"))
    try api.sendMessage(chatID: 1, text: "x")  // the script is used up: ok
    #expect(try server.sentMessages().count == 2)
  }

  @Test func serverErrorsAreTemporaryAndRefusalsPermanent() throws {
    let server = try Self.bot([
      .init(status: 502, description: "Bad Gateway"),
      .init(status: 400, description: "Bad Request: chat not found"),
      .init(status: 403, description: "Forbidden: bot was blocked by the user"),
    ])
    let api = try Self.api(server)
    let e502 = Self.failure { try api.sendMessage(chatID: 1, text: "a") }
    #expect(e502?.isTemporary == true)
    if case .temporary(_, let after)? = e502 { #expect(after == nil) }
    let e400 = Self.failure { try api.sendMessage(chatID: 2, text: "b") }
    #expect(
      e400 == .refused("sendMessage at localhost:\(server.port): 400 Bad Request: chat not found"))
    let e403 = Self.failure { try api.sendMessage(chatID: 3, text: "c") }
    #expect(e403?.isTemporary == false && e403?.message.contains("blocked") == true)
  }

  @Test func theTokenIsInNoMessage() throws {
    let server = try Self.bot()
    // A token the server does not know: 401, temporary (the operator's fix), no token in it.
    let wrong = "987654321:ZZZsecretKeyThatMustNotLeak_0123456789"
    let unknown = Self.failure { _ = try Self.api(server, token: wrong).username() }
    #expect(unknown?.isTemporary == true)
    // An untrusted certificate, and a closed port.
    let untrusted = Self.failure { _ = try Self.api(server, token: wrong, ca: false).username() }
    #expect(
      untrusted?.message.contains("certificate verify failed") == true,
      "\(String(describing: untrusted))")
    server.stop()
    let closed = try HTTPSTestServer(
      .init(mode: .status, status: 500, body: "{\"ok\":false,\"description\":\"echo \(wrong)\"}"))
    let echoed = Self.failure { _ = try Self.api(closed, token: wrong).username() }
    for e in [unknown, untrusted, echoed] {
      let text = e?.message ?? ""
      #expect(!text.isEmpty)
      #expect(!text.contains(wrong) && !text.contains("ZZZsecretKey"), "\(text)")
    }
    #expect(
      echoed?.message.contains("<token>") == true, "a token in the server's words is scrubbed")
  }

  @Test func aBadOrMissingTokenIsAConfigurationError() throws {
    let server = try Self.bot()
    // Refused when the settings load (78), without quoting the value.
    for bad in ["no-colon", "abc:def", "123:", "123:has space", "123:ключ"] {
      do {
        _ = try Self.api(server, token: bad)
        Issue.record("'\(bad)' was taken")
      } catch let e as ConfigError {
        #expect(e.name == "TELEGRAM_BOT_TOKEN" && !e.message.contains(bad), "\(e.message)")
      }
    }
    let dir = try TempDir()
    _ = FileManager.default.createFile(atPath: dir.file("e.env"), contents: Data())
    let config = try Config(
      environment: [:], envFile: dir.file("e.env"), observer: SilentObserver())
    #expect(throws: TelegramError.notConfigured) {
      _ = try TelegramBotAPI(settings: config.settings)
    }
    #expect(config.settings.telegramAPIURL.hostHeader == "api.telegram.org")
  }

  @Test func startParameters() {
    let cases: [(String?, String?)] = [
      ("/start abc", "abc"), ("/start", ""), ("/start  spaced ", "spaced"), ("/starts x", nil),
      ("hello /start x", nil), (nil, nil), ("/start@some_bot n0nce", "n0nce"),
    ]
    for (text, parameter) in cases {
      #expect(TelegramUpdate(updateID: 1, chatID: 1, text: text).startParameter == parameter)
    }
  }
}

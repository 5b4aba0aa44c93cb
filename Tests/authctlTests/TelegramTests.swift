import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 15's Telegram channel through the built binary, against a local Bot API stand-in over
/// real TLS with the test CA (`HTTPSTestServer`, `.bot` mode): linking by `/start`, and what
/// goes where.
@Suite(.tags(.slow)) struct TelegramTests {
  static let token = "123456789:AAE-walkKey_0123456789abcdefGHIJKLMNOP"

  /// A walk whose Telegram settings point at `server`.
  static func walk(
    _ server: HTTPSTestServer, store: StoreKind = .sqlite, _ extra: [String: String] = [:]
  )
    throws -> Walk
  {
    var env = [
      "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": server.baseURL,
      "AUTHCTL_TLS_CA_FILE": TestCertificates.shared.caPath,
    ]
    env.merge(extra) { $1 }
    return try Walk(env: env, store: store)
  }

  static func bot(_ script: [HTTPSTestServer.BotReply] = []) throws -> HTTPSTestServer {
    try HTTPSTestServer(.init(mode: .bot, token: token, sendScript: script))
  }

  /// Registers, confirms and logs in `email`; returns its password.
  @discardableResult
  static func loggedIn(_ w: Walk, _ email: String = "ann@example.com") throws -> String {
    try w.run(["register", email])
    let mail = try w.run(["mail", "show", "--to", email]).stdout
    let token = try #require(Walk.line("Token", in: mail))
    let password = try #require(Walk.line("Password", in: mail))
    try w.run(["confirm", "-"], stdin: token + "\n")
    try w.run(["login", email, "--password-stdin"], stdin: password + "\n")
    return password
  }

  /// `telegram link`'s nonce, after checking the link's form.
  static func link(_ w: Walk) throws -> String {
    let out = try w.run(["telegram", "link"]).stdout
    let lines = out.split(separator: "\n")
    #expect(lines.count == 1, "off a terminal: the link alone, no QR code: \(out)")
    let prefix = "https://t.me/authctl_test_bot?start="
    let line = try #require(lines.first.map(String.init))
    #expect(line.hasPrefix(prefix))
    return String(line.dropFirst(prefix.count))
  }

  /// Links `w`'s logged-in account to `chat` through `server` (update `id`).
  static func linked(_ w: Walk, _ server: HTTPSTestServer, chat: Int64, id: Int64 = 1) throws {
    let nonce = try link(w)
    try server.setUpdates([(id, chat, "/start \(nonce)")])
    let poll = try w.run(["telegram", "poll"])
    #expect(poll.stdout.contains("linked 1"), "\(poll.stdout)")
  }

  @Test(arguments: StoreKind.available) func linkingByStart(_ store: StoreKind) throws {
    let server = try Self.bot()
    let w = try Self.walk(server, store: store)
    try Self.loggedIn(w)
    let nonce = try Self.link(w)
    #expect(nonce.utf8.count == 32)
    // Someone else's guess, a message that is no /start, then the person's Start.
    try server.setUpdates([
      (10, 666, "/start " + String(repeating: "x", count: 32)), (11, 777, "hi"),
      (12, 555, "/start \(nonce)"),
    ])
    let poll = try w.run(["telegram", "poll"])
    #expect(poll.stdout == "3 update(s), linked 1, refused 1\n")
    #expect(poll.stderr.contains("a /start linked nothing: unknown link nonce"))
    let show = try w.run(["users", "show", "ann@example.com", "--format", "json"]).stdout
    #expect(
      show.contains(#""telegram_linked":true"#) && show.contains(#""telegram_codes":"telegram""#))
    let text = try w.run(["users", "show", "ann@example.com"]).stdout
    #expect(
      text.split(separator: "\n").contains {
        $0.hasPrefix("telegram_linked ") && $0.hasSuffix(" yes")
      }, "\(text)")
    let failed = try w.run(["log", "--event", "telegram.link", "--failed", "--format", "jsonl"])
    #expect(failed.stdout.split(separator: "\n").count == 1)
    #expect(failed.stdout.contains("unknown link nonce") && failed.stdout.contains("chat 666"))
    // The offset moved on: the next poll asks from 13 and links nothing more; the used nonce
    // sent again (a replay) links nothing.
    try server.setUpdates([(12, 555, "/start \(nonce)"), (13, 888, "/start \(nonce)")])
    let again = try w.run(["telegram", "poll"])
    #expect(again.stdout == "1 update(s), linked 0, refused 1\n")
    #expect(again.stderr.contains("ann@example.com: link nonce already used"))
    #expect(try server.polls().map(\.offset) == [nil, 13])
    #expect(
      w.printed.components(separatedBy: nonce).count == 2, "the nonce was printed once, by link")
    // getMe once: the bot's name is kept in the database.
    _ = try Self.link(w)
    #expect(try server.requests().filter { $0.path.hasSuffix("/getMe") }.count == 1)
    try w.run(["telegram", "prefer", "off"])
    #expect(
      try w.run(["users", "show", "ann@example.com", "--format", "json"]).stdout.contains(
        #""telegram_codes":"mail""#))
    try w.run(["telegram", "unlink"])
    #expect(
      try w.run(["users", "show", "ann@example.com", "--format", "json"]).stdout.contains(
        #""telegram_linked":false"#))
    try w.run(["telegram", "prefer", "on"], expect: 77)
  }

  @Test func refusalsAndTheTokenInNoOutput() throws {
    let server = try Self.bot()
    let w = try Self.walk(server, ["MAIL_DEBUG": "1"])
    try Self.loggedIn(w)
    // Not logged in (another session file).
    let session = w.env["AUTHCTL_SESSION_FILE"]
    w.env["AUTHCTL_SESSION_FILE"] = w.dir.file("nobody-session")
    try w.run(["telegram", "link"], expect: 77)
    w.env["AUTHCTL_SESSION_FILE"] = session
    // No token: a configuration error.
    w.env["TELEGRAM_BOT_TOKEN"] = nil
    let none = try w.run(["telegram", "link"], expect: 78)
    #expect(none.stderr.contains("TELEGRAM_BOT_TOKEN is not set"))
    w.env["TELEGRAM_BOT_TOKEN"] = "not a token"
    try w.run(["telegram", "poll"], expect: 78)
    // The Bot API down: 75, the token in no output, even with -v and MAIL_DEBUG.
    w.env["TELEGRAM_BOT_TOKEN"] = Self.token
    let port = server.port
    server.stop()
    let down = try w.run(["-v", "telegram", "poll"], expect: 75)
    #expect(down.stderr.contains("getUpdates at localhost:\(port)"), "\(down.stderr)")
    // A server that does not know the token: still 75 (the operator's fix), no token shown.
    let other = try HTTPSTestServer(.init(mode: .bot, token: "1:other"))
    w.env["TELEGRAM_API_URL"] = other.baseURL
    let unknown = try w.run(["-v", "telegram", "link"], expect: 75)
    #expect(unknown.stderr.contains("401"), "\(unknown.stderr)")
    let config = try w.run(["config"]).stdout
    #expect(config.contains("TELEGRAM_BOT_TOKEN") && config.contains("****"), "\(config)")
    let key = String(Self.token.split(separator: ":")[1])
    #expect(!w.printed.contains(key), "the bot token's key was printed")
  }
}

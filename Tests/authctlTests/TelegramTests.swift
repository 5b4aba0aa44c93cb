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

  /// The Telegram rows of the outbox: status, attempts, next attempt, created.
  static func telegramRows(_ w: Walk) throws -> [[String?]] {
    try w.probe.rows(
      """
      SELECT status, attempts, next_attempt_at, created_at, kind FROM outbox
      WHERE channel = 'telegram' ORDER BY id
      """)
  }

  @Test(arguments: StoreKind.available) func codesGoToTheChatAndNeverInMail(_ store: StoreKind)
    throws
  {
    let server = try Self.bot()
    let w = try Self.walk(server, store: store)
    let password = try Self.loggedIn(w)
    try Self.linked(w, server, chat: 555)
    // passwd: the code to the chat, the mail says so.
    let request = try w.run(["passwd", "--request", "--password-stdin"], stdin: password + "\n")
    #expect(request.stdout.contains("Telegram"), "\(request.stdout)")
    let sent = try server.sentMessages()
    #expect(sent.map(\.chat) == [555, 555], "linked, then the code")
    let code = try #require(Walk.line("Code", in: sent[1].text))
    let mail = try w.run(["mail", "show", "--to", "ann@example.com"]).stdout
    #expect(mail.contains("A code was sent to your Telegram") && Walk.line("Code", in: mail) == nil)
    let next = "a new long passphrase 2026"
    try w.run(["passwd", "--code", code, "--password-stdin"], stdin: next + "\n")
    // The notice both ways.
    #expect(try server.sentMessages().last?.text.contains("Your password was changed") == true)
    #expect(
      try w.run(["mail", "show", "--to", "ann@example.com"]).stdout.contains(
        "Your password was changed"))
    // A reset: the token in mail, the code in the chat.
    try w.run(["recover", "ann@example.com"])
    let reset = try w.run(["mail", "show", "--to", "ann@example.com"]).stdout
    let token = try #require(Walk.line("Token", in: reset))
    #expect(Walk.line("Code", in: reset) == nil)
    let chat = try #require(try server.sentMessages().last)
    #expect(chat.chat == 555 && !chat.text.contains(token))
    let resetCode = try #require(Walk.line("Code", in: chat.text))
    try w.run(
      ["reset", "-", "--code", resetCode, "--password-stdin"],
      stdin: "\(token)\n\("yet another passphrase 77")\n")
    // No code ever reached the mailbox file, in any form.
    let mbox = try String(contentsOfFile: w.mbox, encoding: .utf8)
    for c in [code, resetCode] { #expect(!mbox.contains(c), "a Telegram code in the mbox") }
    #expect(try Self.telegramRows(w).allSatisfy { $0[0] == "sent" })
    // The old names and the new ones list the same (empty) queue.
    let queue = try w.run(["outbox", "queue", "--format", "json"]).stdout
    #expect(queue == (try w.run(["mail", "queue", "--format", "json"]).stdout))
  }

  /// A 429 defers the message until its `retry_after` (longer than the first backoff); a flush
  /// before then sends nothing; after it, the message goes.
  @Test func tooManyRequestsWaitsForRetryAfter() throws {
    let server = try Self.bot([.tooMany(retryAfter: 600)])
    let w = try Self.walk(server)
    try Self.loggedIn(w)
    try Self.linked(w, server, chat: 321)
    let rows = try Self.telegramRows(w)
    #expect(rows.count == 1 && rows[0][0] == "queued" && rows[0][1] == "1")
    let next = try #require(rows[0][2].flatMap(Timestamp.parse))
    let created = try #require(rows[0][3].flatMap(Timestamp.parse))
    #expect(next - created >= 600, "not before retry_after (600 s), not the 60 s backoff")
    let early = try w.run(["outbox", "flush"], expect: 75)
    #expect(early.stdout.hasPrefix("delivered 0"))
    #expect(early.stderr.contains("wait for their retry time"))
    #expect(try server.sentMessages().count == 1, "nothing sent before retry_after")
    // Time passes (the stored time moves): the next flush sends it.
    try w.probe.run(
      "UPDATE outbox SET next_attempt_at = ?1 WHERE channel = 'telegram'",
      [.text("2000-01-01T00:00:00Z")])
    try w.run(["mail", "flush"])
    #expect(try server.sentMessages().count == 2)
    #expect(try Self.telegramRows(w).map { $0[0] } == ["sent"])
  }

  /// A 5xx defers with the backoff; the retry succeeds.
  @Test func serverErrorThenTheRetrySucceeds() throws {
    let server = try Self.bot([.init(status: 502, description: "Bad Gateway")])
    let w = try Self.walk(server)
    try Self.loggedIn(w)
    try Self.linked(w, server, chat: 322)
    #expect(try Self.telegramRows(w).map { $0[0] } == ["queued"])
    try w.run(["outbox", "flush"], expect: 75)
    #expect(try server.sentMessages().count == 1)
    let flushed = try w.run(["outbox", "flush", "--all"])
    #expect(flushed.stdout == "delivered 1 (1 to Telegram)\n", "\(flushed.stdout)")
    let rows = try Self.telegramRows(w)
    #expect(rows.map { $0[0] } == ["sent"] && rows[0][1] == "2")
    #expect(try server.sentMessages().map(\.chat) == [322, 322])
  }

  /// 400/403 fail the message for good (the chat blocked the bot), with the reason kept.
  @Test func aBlockedBotFailsTheMessage() throws {
    let server = try Self.bot([
      .init(status: 403, description: "Forbidden: bot was blocked by the user")
    ])
    let w = try Self.walk(server)
    try Self.loggedIn(w)
    try Self.linked(w, server, chat: 323)
    let queue = try w.run(["outbox", "queue", "--format", "json"]).stdout
    #expect(queue.contains("blocked by the user") && queue.contains(#""status":"failed""#))
    #expect(!queue.contains(Self.token))
  }

  /// Flushes of the Telegram queue killed mid-run (as CrashSafetyTests kills mail flushes): no
  /// message is lost; a kill between the send and its mark may send one twice (counted).
  @Test func killsDuringFlushLoseNothing() throws {
    let server = try Self.bot()
    let w = try Self.walk(server)
    var chats: [Int64] = []
    var passwords: [String: String] = [:]
    for i in 0..<6 {
      let email = "k\(i)@example.com"
      passwords[email] = try Self.loggedIn(w, email)
      try Self.linked(w, server, chat: 9000 + Int64(i), id: Int64(100 + i))
      chats.append(9000 + Int64(i))
    }
    let live = server.baseURL
    let down = "https://127.0.0.1:\(try closedPort())"
    var random = TestSeed("TelegramTests: outbox flush kills")
    var killed = 0
    for trial in 0..<6 {
      // Each login queues a notice to its chat; with the Bot API down it stays queued.
      w.env["TELEGRAM_API_URL"] = down
      for (email, password) in passwords.sorted(by: { $0.key < $1.key }) {
        try w.run(["login", email, "--password-stdin"], stdin: password + "\n")
      }
      w.env["TELEGRAM_API_URL"] = live
      let delay = Double.random(in: 0.01...0.4, using: &random)
      var env = w.env
      env["AUTHCTL_BCRYPT_COST"] = "4"
      let p = try SpawnedProcess(
        [
          "-s", "KILL", String(format: "%.3f", delay), authctlPath, "-q", "outbox", "flush",
          "--all",
        ],
        executable: "/usr/bin/timeout", environment: env, directory: w.dir.url, scratch: w.dir)
      if p.wait() || p.status == 128 + SIGKILL { killed += 1 }
      #expect(try integrityCheck(w.db) == "ok", "trial \(trial)")
    }
    try w.run(["outbox", "flush", "--all"])
    let rows = try w.probe.rows(
      "SELECT recipient, status FROM outbox WHERE channel = 'telegram' AND kind = 'login'")
    #expect(rows.count == 36 && rows.allSatisfy { $0[1] == "sent" })
    let received = try server.sentMessages().filter { $0.text.hasPrefix("New login") }
    for chat in chats {
      let committed = rows.filter { $0[0] == String(chat) }.count
      let got = received.filter { $0.chat == chat }.count
      #expect(got >= committed, "chat \(chat): \(committed) committed, \(got) received")
    }
    print(
      "TelegramTests: 6 flush trials, \(killed) killed mid-run, "
        + "\(received.count - rows.count) duplicate deliveries")
  }

  /// On a terminal `telegram link` draws the link as a QR code (`QRCode`), for a phone.
  @Test func theLinkAsAQRCodeOnATerminal() throws {
    let server = try Self.bot()
    let w = try Self.walk(server)
    try Self.loggedIn(w)
    var env = w.env
    env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    env["AUTHCTL_BCRYPT_COST"] = "4"
    let script = #"""
      import json, os, pty, sys
      exe, env, cwd = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
      pid, fd = pty.fork()
      if pid == 0:
          os.chdir(cwd)
          os.execve(exe, [exe, "telegram", "link"], env)
      screen = b""
      while True:
          try:
              chunk = os.read(fd, 4096)
          except OSError:
              break
          if not chunk: break
          screen += chunk
      _, status = os.waitpid(pid, 0)
      sys.stdout.write(screen.decode(errors="replace"))
      sys.exit(os.waitstatus_to_exitcode(status))
      """#
    let json = String(decoding: try JSONSerialization.data(withJSONObject: env), as: UTF8.self)
    let r = try python(script, [authctlPath, json, w.dir.path])
    #expect(r.status == 0, "\(r.stderr)")
    // The terminal turns LF into CRLF.
    let screen = r.stdout.replacingOccurrences(of: "\r\n", with: "\n")
    let url = try #require(screen.split(separator: "\n").first.map(String.init))
    #expect(url.hasPrefix("https://t.me/authctl_test_bot?start="))
    let qr = try QRCode(Array(url.utf8)).terminalText()
    #expect(screen.contains(qr), "the QR code of the link follows it")
    #expect(screen.contains("telegram poll"))
  }
}

/// The three calls of Telegram's Bot API (https://core.telegram.org/bots/api) authctl makes —
/// `getMe`, `sendMessage`, `getUpdates` — as JSON over `HTTPClient` (authctl's own TLS, with
/// certificate and host checks). Not a general client: only these requests, their answers,
/// and the errors they have.
///
/// Every request is `POST {TELEGRAM_API_URL}/bot{TOKEN}/{method}` with a JSON body. The token
/// sits in the path, so no message made here holds it: errors name the host and the method,
/// and any text from outside is scrubbed of the token before it is kept (`scrub`).
///
/// Answers (https://core.telegram.org/bots/api#making-requests): `{"ok":true,"result":…}`;
/// otherwise `error_code` and `description`, and with 429 `parameters.retry_after`, the
/// seconds to wait. 429, 5xx, transport failures and an unknown token (401, 404) are temporary;
/// 400 and 403 (chat not found, bot blocked) refuse for good.
public struct TelegramBotAPI: Sendable {
  public let base: HTTPSAddress
  let token: Secret
  public let client: HTTPClient

  /// A client for `settings`' bot; `TelegramError.notConfigured` without a token, `.badToken`
  /// when it is not BotFather's form.
  public init(settings: Settings) throws(TelegramError) {
    guard let token = settings.telegramBotToken else { throw .notConfigured }
    try self.init(
      base: settings.telegramAPIURL, token: token,
      client: HTTPClient(
        caFile: settings.tlsCAFile, timeout: max(1, settings.httpTimeout.wholeSeconds),
        maxBody: 1 << 20))
  }

  init(base: HTTPSAddress, token: Secret, client: HTTPClient) throws(TelegramError) {
    guard Self.isBotToken(token.revealed) else { throw .badToken }
    self.base = base
    self.token = token
    self.client = client
  }

  /// BotFather's form: the bot's numeric id, `:`, and a key of letters, digits, `_` and `-`.
  public static func isBotToken(_ text: String) -> Bool {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 20, !parts[1].isEmpty,
      parts[1].utf8.count <= 128
    else { return false }
    return parts[0].utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
      && parts[1].utf8.allSatisfy {
        ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45
          || $0 == 95
      }
  }

  /// The bot's numeric id: the token's part before `:` (no secret; Telegram shows it as the
  /// bot's user id).
  public var botID: String {
    String(token.revealed.prefix { $0 != ":" })
  }

  /// `text` with the token, and its key alone, replaced by `<token>`.
  public func scrub(_ text: String) -> String {
    let whole = token.revealed
    var out = text.replacing(whole, with: "<token>")
    if let colon = whole.firstIndex(of: ":") {
      let key = String(whole[whole.index(after: colon)...])
      if key.utf8.count >= 8 { out = out.replacing(key, with: "<token>") }
    }
    return out
  }

  /// `getMe`: the bot's username (without `@`), which its `t.me` links name.
  public func username() throws(TelegramError) -> String {
    let result = try call("getMe", JSONWriter())
    guard case .object(let bot) = result, let name = bot["username"]?.string,
      !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte)
    else {
      throw .temporary("getMe at \(base.hostHeader): no username in the answer", retryAfter: nil)
    }
    return name
  }

  /// A bot's username: letters, digits and `_` (https://core.telegram.org/bots/features#botfather).
  static func isNameByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
  }

  /// `sendMessage`: `text` (plain, no parse mode) to `chatID`.
  public func sendMessage(chatID: Int64, text: String) throws(TelegramError) {
    var body = JSONWriter()
    body.add("chat_id", chatID)
    body.add("text", text)
    body.key(JSONKey("disable_web_page_preview"))
    body.bool(true)
    _ = try call("sendMessage", body)
  }

  /// `getUpdates` from `offset` (the first update not yet confirmed; asking from it confirms
  /// the ones before), at most `limit`, messages only, without waiting (`timeout` 0: a cron
  /// job polls).
  public func updates(offset: Int64?, limit: Int = 100) throws(TelegramError) -> [TelegramUpdate] {
    var body = JSONWriter()
    if let offset { body.add("offset", offset) }
    body.add("limit", Int64(limit))
    body.add("timeout", 0)
    body.add("allowed_updates", ["message"])
    guard case .array(let items) = try call("getUpdates", body) else {
      throw .temporary(
        "getUpdates at \(base.hostHeader): the result is not a list", retryAfter: nil)
    }
    return try items.map { (item) throws(TelegramError) -> TelegramUpdate in
      guard case .object(let u) = item, let id = u["update_id"]?.integer else {
        throw .temporary(
          "getUpdates at \(base.hostHeader): an update without an id", retryAfter: nil)
      }
      guard case .object(let message)? = u["message"] else {
        return TelegramUpdate(updateID: id, chatID: nil, text: nil)
      }
      var chatID: Int64?
      if case .object(let chat)? = message["chat"] { chatID = chat["id"]?.integer }
      return TelegramUpdate(updateID: id, chatID: chatID, text: message["text"]?.string)
    }
  }

  /// The address of `method`: the base's path, `/bot`, the token, `/method`.
  func address(_ method: String) -> HTTPSAddress {
    var path = base.target
    if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
    while path.hasSuffix("/") { path.removeLast() }
    var address = base
    address.target = "\(path)/bot\(token.revealed)/\(method)"
    return address
  }

  /// POSTs `body` (an open object) to `method`; the `result` of an `ok` answer.
  func call(_ method: String, _ body: JSONWriter<[UInt8]>) throws(TelegramError) -> JSONValue {
    let place = "\(method) at \(base.hostHeader)"
    let response: HTTPResponse
    do {
      response = try client.send(
        "POST", address(method), headers: [("Content-Type", "application/json")],
        body: body.finished)
    } catch {
      throw .temporary(scrub("\(place): \(error.message)"), retryAfter: nil)
    }
    let answer = JSONValue.object(response.body)
    if response.status == 200, case .bool(true)? = answer?["ok"], let result = answer?["result"] {
      return result
    }
    var description = answer?["description"]?.string ?? response.reason
    description = scrub(String(description.prefix(200)))
    let said = "\(place): \(response.status) \(description)"
    switch response.status {
    case 429:
      var after: Int64?
      if case .object(let p)? = answer?["parameters"] { after = p["retry_after"]?.integer }
      if after == nil, let h = response.header("Retry-After") { after = Int64(h) }
      let wait = Duration.seconds(min(max(after ?? 30, 1), 86_400))
      throw .temporary(said, retryAfter: wait)
    case 400, 403:
      throw .refused(said)
    case 200:
      throw .temporary("\(place): an answer that is not ok", retryAfter: nil)
    default:
      // 401/404: the token is wrong or revoked — the operator's fix; 5xx: the server's.
      throw .temporary(said, retryAfter: nil)
    }
  }
}

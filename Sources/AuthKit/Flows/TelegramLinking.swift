/// Linking an account to a Telegram chat (issue 15), with no secret ever typed into Telegram:
///
/// 1. `link` (logged in): a single-use nonce, 24 bytes from OpenSSL, kept as its selector and a
///    keyed hash (`CodeHash`), expiring with the code TTL; the person opens
///    `https://t.me/<bot>?start=<nonce>` and presses Start, which sends `/start <nonce>` to the
///    bot (https://core.telegram.org/bots/features#deep-linking).
/// 2. `poll` (cron): reads `getUpdates` from the stored offset; a `/start <nonce>` whose hash
///    matches (compared in constant time), unexpired and unused, links its account to the chat
///    and answers there. A wrong, expired or used nonce links nothing and is audited. The
///    offset advances in the same transaction, so each update is handled once.
/// 3. `unlink`, and `prefer` (codes to Telegram or to mail).
public struct TelegramLinking {
  /// What `link` gives the person.
  public struct Offer: Sendable {
    public var url: String
    public var expiresAt: Instant
    public var botName: String
  }

  /// What one `poll` did.
  public struct PollReport: Sendable {
    public var updates = 0
    /// Accounts linked (their emails).
    public var linked: [String] = []
    /// `/start` messages that linked nothing, with why.
    public var refused: [String] = []
    public var delivery: DeliveryReport
  }

  static let purpose = "telegram-link"
  /// The nonce: 24 random bytes as base64url, 32 characters (a `start` parameter takes up to
  /// 64 of `A-Z a-z 0-9 _ -`).
  static let nonceBytes = 24
  static let nonceLength = 32
  /// The characters of the nonce that find its row; the whole is checked against the hash.
  static let selectorLength = 12

  let ctx: FlowContext
  public init(_ ctx: FlowContext) { self.ctx = ctx }

  /// The bot's username: cached in the store's settings for this bot id, else asked with
  /// `getMe` (before any transaction) and cached by `link`.
  func botName(_ bot: any TelegramBot) throws -> (name: String, fresh: Bool) {
    let cached = try ctx.store.read { try $0.setting(.telegramBot) }
    if let cached, let colon = cached.firstIndex(of: ":"), cached[..<colon] == bot.botID {
      return (String(cached[cached.index(after: colon)...]), false)
    }
    return (try bot.username(), true)
  }

  /// Step 1: a new link for the logged-in account; earlier nonces of the account stop working.
  public func link(file: SessionFile, bot: any TelegramBot) throws -> Offer {
    let current = try CurrentSession.load(ctx, file: file)
    let a = current.account
    let (name, fresh) = try botName(bot)
    let nonce = Base64URL.encode(try Random.bytes(Self.nonceBytes))
    let hash = CodeHash.make(key: try ctx.keys.codeKey, code: nonce, context: Self.purpose)
    let now = ctx.now()
    let expires = now + ctx.settings.codeTTL
    try ctx.run("telegram.link-request", email: a.email) { run in
      run.about(a)
      try run.write { tx in
        guard try tx.account(id: a.id) != nil else {
          throw FlowError.refused("not logged in: the account no longer exists")
        }
        if fresh { try tx.setSetting(.telegramBot, to: "\(bot.botID):\(name)", at: now) }
        try tx.insertTelegramNonce(
          TelegramNonce(
            selector: String(nonce.prefix(Self.selectorLength)), userID: a.id, nonceHash: hash,
            createdAt: now, expiresAt: expires, usedAt: nil))
        try run.succeeded(tx, a, detail: "expires \(expires)")
      }
    }
    return Offer(url: "https://t.me/\(name)?start=\(nonce)", expiresAt: expires, botName: name)
  }

  /// Step 2: the bot's new updates; links what matches, audits what does not, answers each
  /// linked chat through the outbox.
  public func poll(bot: any TelegramBot, limit: Int = 100) throws -> PollReport {
    let offset = try ctx.store.read { try $0.setting(.telegramUpdateOffset) }.flatMap {
      Int64($0)
    }
    let updates = try bot.updates(offset: offset, limit: limit)
    return try ctx.run("telegram.poll") { run in
      var report = PollReport(delivery: run.delivery)
      report.updates = updates.count
      guard let last = updates.map(\.updateID).max() else { return report }
      let key = try ctx.keys.codeKey
      try run.write { tx in
        report.linked = []
        report.refused = []
        let now = ctx.now()
        for update in updates {
          guard let chat = update.chatID, let nonce = update.startParameter, !nonce.isEmpty
          else { continue }
          switch try Self.match(tx, nonce: nonce, key: key, now: now) {
          case .failure(let why):
            report.refused.append(why.description)
            try run.audit(
              tx,
              AuditEvent(
                at: now, event: "telegram.link", userID: why.userID, email: why.email, ok: false,
                reason: why.reason, detail: "chat \(chat)"))
          case .success(let a):
            let previous = try tx.telegramLink(userID: a.id)
            try tx.setTelegramLink(
              TelegramLink(
                userID: a.id, chatID: chat, linkedAt: now, prefer: previous?.prefer ?? true))
            try queueLinked(run, tx, a, chat: chat)
            try run.note(tx, "telegram.link", a, ok: true, reason: "linked", detail: "chat \(chat)")
            report.linked.append(a.email)
          }
        }
        try tx.setSetting(.telegramUpdateOffset, to: String(last + 1), at: now)
      }
      report.delivery = run.delivery
      return report
    }
  }

  /// Why a `/start` linked nothing: the words audited, and the account when one was named.
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public var userID: String?
    public var email: String?
    public var description: String { email.map { "\($0): \(reason)" } ?? reason }
  }

  /// The account a `/start` nonce links, or why none.
  static func match(_ tx: any StoreTransaction, nonce: String, key: [UInt8], now: Instant) throws
    -> Result<Account, Refusal>
  {
    let alphabet = { (b: UInt8) in
      (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 45 || b == 95
    }
    guard nonce.utf8.count == nonceLength, nonce.utf8.allSatisfy(alphabet),
      let row = try tx.telegramNonce(selector: String(nonce.prefix(selectorLength))),
      CodeHash.matches(key: key, code: nonce, context: purpose, hash: row.nonceHash)
    else { return .failure(Refusal(reason: "unknown link nonce")) }
    guard let a = try tx.account(id: row.userID) else {
      return .failure(Refusal(reason: "unknown link nonce"))
    }
    if row.usedAt != nil {
      return .failure(Refusal(reason: "link nonce already used", userID: a.id, email: a.email))
    }
    if row.expiresAt <= now {
      return .failure(Refusal(reason: "link nonce expired", userID: a.id, email: a.email))
    }
    // Disabled, expired or not yet valid since the link was made: nothing is linked.
    if let refusal = AccountAccess.standingRefusal(a, now: now) {
      return .failure(Refusal(reason: refusal.message, userID: a.id, email: a.email))
    }
    guard try tx.markTelegramNonceUsed(selector: row.selector, at: now) else {
      return .failure(Refusal(reason: "link nonce already used", userID: a.id, email: a.email))
    }
    return .success(a)
  }

  /// The answer in the newly linked chat.
  func queueLinked(_ run: FlowRun, _ tx: any StoreTransaction, _ a: Account, chat: Int64) throws {
    try run.queueTelegram(
      tx, "telegram-linked", to: a, chat: chat, TelegramTemplates.linked(email: a.email),
      optional: true)
  }

  /// Removes the logged-in account's link; false when there was none.
  @discardableResult
  public func unlink(file: SessionFile) throws -> Bool {
    let a = try CurrentSession.load(ctx, file: file).account
    return try ctx.run("telegram.unlink", email: a.email) { run in
      run.about(a)
      return try run.write { tx in
        let removed = try tx.deleteTelegramLink(userID: a.id)
        try run.succeeded(tx, a, reason: removed ? nil : "not linked")
        return removed
      }
    }
  }

  /// Codes of the logged-in account to Telegram (`on`) or to mail; refused (77) when the
  /// account is not linked.
  public func prefer(file: SessionFile, telegram on: Bool) throws {
    let a = try CurrentSession.load(ctx, file: file).account
    try ctx.run("telegram.prefer", email: a.email) { run in
      run.about(a)
      try run.write { tx in
        guard var link = try tx.telegramLink(userID: a.id) else {
          throw FlowError.refused(
            "\(a.email) is not linked to Telegram; run 'authctl telegram link' first")
        }
        link.prefer = on
        try tx.setTelegramLink(link)
        try run.succeeded(tx, a, detail: on ? "codes to Telegram" : "codes to mail")
      }
    }
  }
}

extension TelegramLinking.Refusal {
  init(reason: String) { self.init(reason: reason, userID: nil, email: nil) }
}

import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl telegram link`: the link (and its QR code on a terminal) for the logged-in account.
func runTelegramLink(_ ctx: Context) throws {
  let bot = try TelegramBotAPI(settings: ctx.settings)
  let flows = try ctx.flows()
  let offer = try TelegramLinking(flows).link(file: ctx.sessionFile, bot: bot)
  ctx.out.line(offer.url)
  if isatty(1) == 1 {
    // The link as a QR code, for a phone's camera.
    if let qr = telegramQR(offer.url) { ctx.out.write(qr) }
    ctx.out.line(
      "Open the link in Telegram and press Start before \(offer.expiresAt); then run (or let cron run) 'authctl telegram poll'."
    )
  }
}

/// The QR code of `url` as terminal text (`QRCode`), nil when it cannot be made.
func telegramQR(_ url: String) -> String? {
  try? QRCode(Array(url.utf8)).terminalText()
}

/// `authctl telegram poll`: links the chats that sent a valid `/start NONCE`.
func runTelegramPoll(_ ctx: Context) throws {
  let bot = try TelegramBotAPI(settings: ctx.settings)
  let flows = try ctx.flows()
  let report = try TelegramLinking(flows).poll(bot: bot)
  for r in report.refused { ctx.diagnostics.warn("a /start linked nothing: \(r)") }
  var parts = ["\(report.updates) update(s)", "linked \(report.linked.count)"]
  if !report.refused.isEmpty { parts.append("refused \(report.refused.count)") }
  ctx.out.line(parts.joined(separator: ", "))
  if ctx.verbose { for email in report.linked { ctx.diagnostics.notice("linked \(email)") } }
}

/// `authctl telegram unlink`.
func runTelegramUnlink(_ ctx: Context) throws {
  let flows = try ctx.flows()
  if try TelegramLinking(flows).unlink(file: ctx.sessionFile) {
    ctx.out.line("unlinked from Telegram; codes and notices go by mail only")
  } else {
    ctx.diagnostics.notice("the account was not linked to Telegram; nothing changed")
  }
}

/// `authctl telegram prefer on|off`.
func runTelegramPrefer(_ ctx: Context) throws {
  let on = ctx.invocation.arguments[0] == "on"
  let flows = try ctx.flows()
  try TelegramLinking(flows).prefer(file: ctx.sessionFile, telegram: on)
  ctx.out.line(
    on
      ? "codes go to Telegram from now on; the mail says only that one was sent"
      : "codes go by mail from now on; notices still go to Telegram too")
}

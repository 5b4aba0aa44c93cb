import AuthKit

/// The password of `--password-stdin`, or nil to generate one.
private func chosenPassword(_ ctx: Context) throws -> String? {
  ctx.invocation.flag(.passwordStdin) ? try Prompt.stdinLine("password") : nil
}

/// `authctl register EMAIL [--password-stdin] [--format json]`.
func runRegister(_ ctx: Context) throws {
  let email = ctx.invocation.arguments[0]
  let chosen = try chosenPassword(ctx)
  let flows = try ctx.flows(create: true)
  // An address already registered is refused (65) once its mail went out.
  let a = try Register(flows).run(email, chosenPassword: chosen).account
  if ctx.invocation.format == "json" {
    let w = RowWriter(.jsonl, columns: ["id", "email", "status"], out: ctx.out)
    w.row([a.id, a.email, a.status(now: flows.now()).rawValue])
    w.finish()
  } else {
    ctx.out.line(a.id)
  }
}

/// `authctl confirm TOKEN|URL|- [--password-stdin]`. When the account's password was chosen
/// at registration, it is proven from stdin (`--password-stdin`; after the token's line with
/// `-`) or at a no-echo prompt on a terminal; no answer (or no terminal) drops it and a new
/// password is mailed.
func runConfirm(_ ctx: Context) throws {
  let input = try Prompt.token(ctx.invocation.arguments[0])
  let flows = try ctx.flows()
  let fromStdin = ctx.invocation.flag(.passwordStdin)
  let result = try Confirm(flows).run(input) {
    if fromStdin { return try Prompt.stdinLine("password") }
    guard Prompt.isInteractive else { return nil }
    return try Prompt.readLine(
      prompt: "Password chosen at registration (Enter to have a new one mailed): ", echo: false)
  }
  if let old = result.previousEmail {
    ctx.out.line("address changed from \(old) to \(result.account.email); every session ended")
    return
  }
  let how = result.generated ? "; the chosen password was dropped and a new one mailed" : ""
  ctx.out.line("confirmed \(result.account.email)\(how)")
}

/// `authctl recover EMAIL`.
func runRecover(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let result = try Recover(flows).run(ctx.invocation.arguments[0])
  let how = result.delivery.delivered.isEmpty ? "queued for" : "mailed to"
  if result.delivery.queuedChannels.contains(.telegram) {
    ctx.out.line("reset token \(how) \(result.account.email); the code goes to its Telegram")
  } else {
    ctx.out.line("reset token and code \(how) \(result.account.email)")
  }
}

/// `authctl reset TOKEN|URL|- [--code CODE] [--password-stdin]`.
func runReset(_ ctx: Context) throws {
  let inv = ctx.invocation
  // The token first: with `-` and --password-stdin it is stdin's first line.
  let input = try Prompt.token(inv.arguments[0])
  let flows = try ctx.flows()
  let chosen = try chosenPassword(ctx)
  let code = try inv.value(.code) ?? Prompt.value("Code")
  let result = try Reset(flows).run(input, code: code, chosenPassword: chosen)
  let how = result.generated ? "a new password was mailed to" : "password changed for"
  ctx.out.line("\(how) \(result.account.email); \(result.sessionsEnded) session(s) ended")
}

/// `authctl login EMAIL [--password-stdin]`.
func runLogin(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let password =
    ctx.invocation.flag(.passwordStdin)
    ? try Prompt.stdinLine("password") : try Prompt.secret("Password")
  let file = ctx.sessionFile
  let result = try Login(flows).run(ctx.invocation.arguments[0], password: password, file: file)
  if ctx.verbose { ctx.diagnostics.notice("session token written to \(file.path)") }
  ctx.out.line("logged in as \(result.account.email) until \(result.expiresAt)")
}

/// `authctl whoami [--format json]`.
func runWhoami(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let current = try CurrentSession.load(flows, file: ctx.sessionFile)
  let a = current.account
  let fields: [(String, Any?)] = [
    ("id", a.id), ("email", a.email), ("status", current.status.rawValue),
    ("activated_at", a.activatedAt), ("last_login_at", a.lastLoginAt),
    ("session_id", current.session.id), ("session_expires_at", current.session.expiresAt),
  ]
  if ctx.invocation.format == "json" {
    let w = RowWriter(.jsonl, columns: fields.map(\.0), out: ctx.out)
    w.row(fields.map(\.1))
    w.finish()
  } else {
    ctx.out.line(a.email)
  }
}

/// `authctl logout [--all]`.
func runLogout(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let result = try Logout(flows).run(file: ctx.sessionFile, all: ctx.invocation.flag(.all))
  if let email = result.email {
    ctx.out.line("logged out \(email); \(result.ended) session(s) ended")
  } else {
    ctx.out.line("the session had already ended; removed the session file")
  }
}

/// `authctl passwd`: interactive, or scripted in two steps (`--request`, then `--code`), each
/// with `--password-stdin` (the parser checks the combination).
func runPasswd(_ ctx: Context) throws {
  let inv = ctx.invocation
  let flows = try ctx.flows()
  let file = ctx.sessionFile
  let flow = ChangePassword(flows)
  if inv.flag(.request) {
    let report = try flow.request(
      file: file, currentPassword: try Prompt.stdinLine("current password"))
    let how = report.queuedChannels.contains(.telegram) ? "sent to your Telegram" : "mailed"
    ctx.out.line("a code was \(how); finish with 'authctl passwd --code CODE --password-stdin'")
    return
  }
  if let code = inv.value(.code) {
    try flow.commit(file: file, code: code, newPassword: try Prompt.stdinLine("new password"))
    ctx.out.line("password changed; every session ended: log in again")
    return
  }
  // Interactive: current password, mailed code, new password twice.
  _ = try CurrentSession.load(flows, file: file)
  let currentPassword = try Prompt.secret("Current password")
  let report = try flow.request(file: file, currentPassword: currentPassword)
  let code = try Prompt.value(
    report.queuedChannels.contains(.telegram) ? "Code from Telegram" : "Code from the mail")
  let first = try Prompt.secret("New password")
  let second = try Prompt.secret("New password again")
  guard first == second else {
    throw FlowError.invalidInput("the two new passwords differ; nothing changed")
  }
  try flow.commit(file: file, code: code, newPassword: first)
  ctx.out.line("password changed; every session ended: log in again")
}

/// `users confirm EMAIL [--notify]`.
func runUsersConfirm(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let key = ctx.invocation.arguments[0]
  let unchanged = try Admin(flows).confirm(key, notify: ctx.invocation.flag(.notify)).unchanged
  if let unchanged {
    ctx.diagnostics.notice("\(key): \(unchanged); nothing changed")
  } else {
    ctx.out.line("confirmed \(try EmailAddress.normalize(key))")
  }
}

/// `users set-password EMAIL (--password-stdin | --generate)`.
func runUsersSetPassword(_ ctx: Context) throws {
  let inv = ctx.invocation
  let chosen = inv.flag(.passwordStdin) ? try Prompt.stdinLine("password") : nil
  let flows = try ctx.flows()
  let account = try Admin(flows).setPassword(inv.arguments[0], chosen: chosen).account
  ctx.out.line(
    "password \(chosen == nil ? "generated and mailed" : "set") for \(account.email); sessions ended"
  )
}

/// `authctl email change NEW [--password-stdin]`.
func runEmailChange(_ ctx: Context) throws {
  let flows = try ctx.flows()
  let file = ctx.sessionFile
  // The session first, so a person not logged in is not asked for a password.
  _ = try CurrentSession.load(flows, file: file)
  let password =
    ctx.invocation.flag(.passwordStdin)
    ? try Prompt.stdinLine("current password") : try Prompt.secret("Current password")
  let result = try EmailChange(flows).request(
    file: file, newEmail: ctx.invocation.arguments[0], password: password)
  ctx.out.line(
    "a token was mailed to \(result.newEmail); confirm it with 'authctl confirm -' to make the change"
  )
}

/// `users set-email EMAIL NEW [--no-confirm]`.
func runUsersSetEmail(_ ctx: Context) throws {
  let inv = ctx.invocation
  let flows = try ctx.flows()
  let result = try EmailChange(flows).set(
    inv.arguments[0], newEmail: inv.arguments[1], confirm: !inv.flag(.noConfirm))
  if result.changed {
    ctx.out.line("address changed to \(result.newEmail); every session ended")
  } else {
    ctx.out.line(
      "a token was mailed to \(result.newEmail); the change is made when it is confirmed")
  }
}

import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl check [EMAIL] [--password-fd FD | --pam | --batch] [--record-login]` (issue 14).
///
/// - `check EMAIL`: the password is stdin's first line (asked without echo on a terminal), or
///   the first line of descriptor FD with `--password-fd FD`.
/// - `check` alone: stdin's first line is the account, its second the password — the "pipe"
///   method of Apache's mod_authnz_external (its AUTHENTICATORS file).
/// - `check --pam`: pam_exec(8) with `expose_authtok`: the account is `PAM_USER`, the password
///   is stdin up to a NUL or its end. `PAM_TYPE=account` asks only whether the account may log
///   in now (no password). pam_exec turns any status but 0 into a failure.
/// - `check --batch`: Squid's basic_auth helper protocol (`CheckBatch`).
///
/// Exit 0 right; 77 refused, silently unless `-v` (the reason is audited); 75, 65 as usual.
func runCheck(_ ctx: Context) throws {
  let inv = ctx.invocation
  if inv.flag(.batch) {
    guard inv.arguments.isEmpty else {
      throw UsageError("'check --batch' takes no EMAIL: each line names its account.")
    }
    return try CheckBatch(ctx).run()
  }
  if inv.flag(.pam) {
    guard inv.arguments.isEmpty else {
      throw UsageError("'check --pam' takes no EMAIL: the account is PAM_USER.")
    }
    return try runPAMCheck(ctx)
  }
  let email: String
  let password: String
  if let given = inv.arguments.first {
    email = given
    if let fd = inv.value(.passwordFd) {
      password = try CheckInput.line(fd: try CheckInput.descriptor(fd), what: "password")
    } else if Prompt.isInteractive {
      password = try Prompt.secret("Password")
    } else {
      password = try CheckInput.line(fd: 0, what: "password")
    }
  } else {
    guard inv.value(.passwordFd) == nil else {
      throw UsageError("'check --password-fd' needs EMAIL; without it both lines come on stdin.")
    }
    email = try CheckInput.line(fd: 0, what: "account", checkPassword: false)
    password = try CheckInput.line(fd: 0, what: "password")
  }
  try verdict(ctx) {
    _ = try Check(try ctx.flows()).run(
      email, password: password, recordLogin: inv.flag(.recordLogin))
  }
}

/// `check --pam`: what pam_exec hands over — `PAM_TYPE`, `PAM_USER`, and with
/// `expose_authtok` the token on stdin (Linux-PAM's pam_exec(8)).
private func runPAMCheck(_ ctx: Context) throws {
  try ctx.requireAbsoluteDatabase("check --pam")
  guard let user = ctx.environment["PAM_USER"], !user.isEmpty else {
    throw UsageError("'check --pam' runs under pam_exec, which sets PAM_USER; it is not set.")
  }
  let recordLogin = ctx.invocation.flag(.recordLogin)
  switch ctx.environment["PAM_TYPE"] ?? "auth" {
  case "auth":
    let password = try CheckInput.token(fd: 0)
    try verdict(ctx) {
      _ = try Check(try ctx.flows()).run(user, password: password, recordLogin: recordLogin)
    }
  case "account":
    try verdict(ctx) { _ = try Check(try ctx.flows()).standing(user) }
  case let other:
    throw UsageError(
      "'check --pam' serves PAM_TYPE auth and account, not \(other); give pam_exec type=auth.")
  }
}

/// Runs `body`; a refusal becomes exit 77 with nothing printed, unless `-v` prints its reason
/// (it is in the audit log either way).
func verdict(_ ctx: Context, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let e as FlowError {
    guard case .refused(let reason) = e else { throw e }
    if ctx.verbose { Diagnostics.write("authctl: \(TerminalText.escaped(reason))\n") }
    throw QuietExit(ExitStatus.noPermission.rawValue)
  }
}

/// The account names and passwords `check` and `checkpassword` read: bounded, UTF-8, and a
/// password of at most 72 bytes (`Prompt.checkedPassword`), never altered.
enum CheckInput {
  /// `--password-fd FD`: an open descriptor number.
  static func descriptor(_ text: String) throws -> Int32 {
    guard let fd = Int32(text), fd >= 0 else {
      throw UsageError("invalid value '\(text)' for '--password-fd'; expected a descriptor number.")
    }
    guard fcntl(fd, F_GETFD) != -1 else {
      throw FlowError.invalidInput("--password-fd \(fd): descriptor \(fd) is not open")
    }
    return fd
  }

  /// The next line of `fd` (at most 4 KiB, UTF-8), a password unless `checkPassword` is false;
  /// stdin through `Prompt`'s one reader, so the pipe method's two lines come from one buffer.
  static func line(fd: Int32, what: String, checkPassword: Bool = true) throws -> String {
    let text =
      fd == 0
      ? try Prompt.readLine(what: what)
      : try Prompt.line(what: what) { () throws(LineReader.Failure) in
        try LineReader(fd: fd).readLine(limit: Prompt.maxLine)
      }
    guard let text else { throw FlowError.invalidInput("no \(what) given (end of input)") }
    return checkPassword ? try Prompt.checkedPassword(text) : text
  }

  /// pam_exec's token: `fd` up to a NUL or its end (a last line end is dropped, for a person
  /// trying it with echo), at most 4 KiB read.
  static func token(fd: Int32) throws -> String {
    var bytes = try readToEnd(fd, limit: Prompt.maxLine, name: "stdin")
    guard bytes.count <= Prompt.maxLine else {
      throw FlowError.invalidInput("the password is longer than 4 KiB; refused")
    }
    if let nul = bytes.firstIndex(of: 0) {
      bytes.removeSubrange(nul...)
    } else if bytes.last == 0x0A {
      bytes.removeLast()
    }
    return try Prompt.checkedPassword(try utf8(bytes, what: "password"))
  }

  /// Everything `fd` holds up to its end, stopping once more than `limit` bytes came.
  static func readToEnd(_ fd: Int32, limit: Int, name: String) throws -> [UInt8] {
    var data: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 4096)
    while data.count <= limit {
      let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { throw FlowError.io("read \(name): \(String(cString: strerror(errno)))") }
      if n == 0 { break }
      data += block[..<n]
    }
    return data
  }

  static func utf8(_ bytes: [UInt8], what: String) throws -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw FlowError.invalidInput("the \(what) is not valid UTF-8; refused, not altered")
    }
    return text
  }
}

import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// `authctl checkpassword [--home-base DIR] [--record-login] PROG [ARG...]`: D. J. Bernstein's
/// checkpassword interface (cr.yp.to/checkpwd/interface.html), as qmail, Dovecot 2.3's
/// `checkpassword` passdb and s6 call it.
///
/// Reads descriptor 3 to its end (at most 512 bytes) and closes it: a login name, a password
/// and a timestamp, each ended by NUL (the timestamp is ignored, as DJB's own tool does). The
/// name is the account's email. A right password for an account that may log in runs PROG with
/// `USER` and `AUTHENTICATED` (the convention of Courier's authlib and Bruce Guenter's cvm) set
/// to the account's email and `HOME` to `DIR/EMAIL` (`/nonexistent` without `--home-base`);
/// the rest of the environment is kept (Dovecot's checkpassword-reply needs its `ORIG_UID`),
/// and no uid, gid or folder changes. Otherwise it exits 1 (unacceptable: wrong password,
/// unknown, unconfirmed, disabled or locked account, a malformed name), 2 (misused: no
/// descriptor 3, more than 512 bytes, missing NULs) or 111 (a temporary problem: busy or
/// missing database, bad configuration, PROG cannot be run).
func runCheckpassword(_ ctx: Context) throws {
  let inv = ctx.invocation
  let (user, password) = try readCheckpasswordInput()
  let email: String
  do {
    email = try checkpassword(ctx, user: user, password: password)
  } catch {
    let (message, status) = describe(error)
    switch status {
    case .noPermission, .dataError:
      if ctx.verbose { Diagnostics.write("authctl: \(message)\n") }
      throw QuietExit(1)
    default:
      Diagnostics.write("authctl: \(message)\n")
      throw QuietExit(111)
    }
  }
  let home = inv.value(.homeBase).map { ($0.hasSuffix("/") ? $0 : $0 + "/") + email }
  setenv("USER", email, 1)
  setenv("AUTHENTICATED", email, 1)
  setenv("HOME", home ?? "/nonexistent", 1)
  ctx.out.flush()
  let argv = Array(inv.arguments)
  var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  execvp(argv[0], &cArgs)
  let e = errno
  Diagnostics.write("authctl: cannot run \(argv[0]): \(String(cString: strerror(e)))\n")
  throw QuietExit(111)
}

/// The check, with every AuthKit object released before PROG replaces this process.
private func checkpassword(_ ctx: Context, user: String, password: String) throws -> String {
  try ctx.requireAbsoluteDatabase("checkpassword")
  return try Check(try ctx.flows()).run(
    user, password: password, recordLogin: ctx.invocation.flag(.recordLogin)
  ).email
}

/// `user\0password\0timestamp\0` from descriptor 3, read to its end and closed. Misuse → 2.
private func readCheckpasswordInput() throws -> (String, String) {
  func misuse(_ why: String) -> QuietExit {
    Diagnostics.write("authctl: checkpassword: \(why)\n")
    return QuietExit(2)
  }
  guard fcntl(3, F_GETFD) != -1 else {
    throw misuse("descriptor 3 is not open; the caller writes 'user\\0password\\0' to it")
  }
  let bytes: [UInt8]
  do {
    bytes = try CheckInput.readToEnd(3, limit: 512, name: "descriptor 3")
  } catch {
    close(3)
    throw misuse(describe(error).message)
  }
  close(3)
  guard bytes.count <= 512 else { throw misuse("more than 512 bytes on descriptor 3") }
  let fields = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
  guard fields.count >= 3 else {
    throw misuse("descriptor 3 holds no 'user\\0password\\0'")
  }
  do {
    let user = try CheckInput.utf8(Array(fields[0]), what: "login name")
    let password = try Prompt.checkedPassword(
      try CheckInput.utf8(Array(fields[1]), what: "password"))
    return (user, password)
  } catch {
    // Not UTF-8, or longer than bcrypt reads: unacceptable, not a misuse.
    throw QuietExit(1)
  }
}

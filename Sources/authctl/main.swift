import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Commands that are built, by path. The rest say so and exit 70.
let handlers: [String: @Sendable (Context) throws -> Void] = [
  "migrate": runMigrate,
  "config": runConfig,
  "users list": runUsersList,
  "users show": runUsersShow,
  "users disable": runUsersDisable,
  "users enable": runUsersEnable,
  "users unlock": runUsersUnlock,
  "users delete": runUsersDelete,
  "users purge": runUsersPurge,
  "users export": runUsersExport,
  "users import": runUsersImport,
  "log": runLog,
  "register": runRegister,
  "confirm": runConfirm,
  "recover": runRecover,
  "reset": runReset,
  "login": runLogin,
  "whoami": runWhoami,
  "logout": runLogout,
  "passwd": runPasswd,
  "users confirm": runUsersConfirm,
  "users set-password": runUsersSetPassword,
  "mail queue": runMailQueue,
  "mail flush": runMailFlush,
  "mail test": runMailTest,
  "mail show": runMailShow,
]

@MainActor func main() -> Int32 {
  signal(SIGPIPE, SIG_IGN)
  let arguments = Array(CommandLine.arguments.dropFirst())
  let out = Output.standard
  defer { out.flush() }
  do {
    // Before anything is read: no core file and no ptrace by the user's other processes for
    // the life of any command, since most hold a password or a secret at some point.
    try CoreDumps.disable()
    let inv = try ArgumentParser.parse(arguments)
    Diagnostics.quiet = inv.flag("quiet")
    if inv.version {
      out.line("authctl \(authctlVersion)")
      return 0
    }
    guard let spec = inv.command else {
      out.write(inv.group.map(Help.group) ?? Help.top())
      return 0
    }
    if inv.help {
      out.write(Help.command(spec))
      return 0
    }
    guard let handler = handlers[spec.name] else {
      throw FlowError.internalError("'\(spec.name)' is not built yet")
    }
    let context = try Context(inv, environment: ProcessInfo.processInfo.environment)
    try handler(context)
    return 0
  } catch {
    out.flush()
    let (message, status) = describe(error)
    Diagnostics.write("authctl: \(message)\n")
    return status.rawValue
  }
}

exit(main())

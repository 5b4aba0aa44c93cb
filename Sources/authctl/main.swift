import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

@MainActor func main() -> Int32 {
  signal(SIGPIPE, SIG_IGN)
  let out = Output(fd: 1)
  var ran: Context?
  let status = command(out, &ran)
  out.flush()
  // The hook runs after the command, done or refused (a refusal is an event too), once its
  // result and error are out; its problems are warnings, never the command's status.
  ran?.flushHooksAfterCommand()
  return status
}

/// Parses the command line and runs the command; its exit status.
@MainActor func command(_ out: Output, _ ran: inout Context?) -> Int32 {
  let arguments = Array(CommandLine.arguments.dropFirst())
  do {
    // Before anything is read: no core file and no ptrace by the user's other processes for
    // the life of any command, since most hold a password or a secret at some point.
    try CoreDumps.disable()
    let inv = try ArgumentParser.parse(arguments)
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
    let context = try Context(
      inv, environment: ProcessInfo.processInfo.environment, out: out,
      diagnostics: Diagnostics(quiet: inv.flag(.quiet)))
    ran = context
    try spec.run(context)
    return 0
  } catch let quiet as QuietExit {
    return quiet.status
  } catch {
    out.flush()
    let (message, status) = describe(error)
    Diagnostics.write("authctl: \(message)\n")
    return status.rawValue
  }
}

exit(main())

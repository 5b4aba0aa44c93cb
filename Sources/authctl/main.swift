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
  let arguments = Array(CommandLine.arguments.dropFirst())
  let out = Output(fd: 1)
  defer { out.flush() }
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

import AuthKit

/// The exit statuses of sysexits.h, as the foundation issue assigns them.
enum ExitStatus: Int32 {
  case ok = 0
  case usage = 64
  case dataError = 65
  case noInput = 66
  case noUser = 67
  case unavailable = 69
  case software = 70
  case cannotCreate = 73
  case ioError = 74
  case tempFail = 75
  case noPermission = 77
  case config = 78
}

/// An exit with this status and nothing printed: `check`'s refusals (their reason is in the
/// audit log, on stderr only with `-v`) and `checkpassword`'s statuses 1, 2 and 111.
struct QuietExit: Error {
  let status: Int32
  init(_ status: Int32) { self.status = status }
}

/// The one place an error becomes `authctl: message` and an exit status. The message may
/// quote text from outside (a server's reply, a stored address): every control character but
/// the line breaks between an import's problems is escaped (`TerminalText`).
func describe(_ error: any Error) -> (message: String, status: ExitStatus) {
  let (message, status) = unescaped(error)
  return (TerminalText.escaped(message, keepingLineBreaks: true), status)
}

private func unescaped(_ error: any Error) -> (message: String, status: ExitStatus) {
  switch error {
  case let e as UsageError:
    return (e.message + " See 'authctl --help'.", .usage)
  case let e as ConfigError:
    return (e.message, .config)
  case let e as FlowError:
    let status: ExitStatus
    switch e {
    case .invalidInput: status = .dataError
    case .noInput: status = .noInput
    case .noSuchAccount: status = .noUser
    case .refused: status = .noPermission
    case .unavailable: status = .unavailable
    case .tryLater: status = .tempFail
    case .cannotCreate: status = .cannotCreate
    case .io: status = .ioError
    case .internalError: status = .software
    }
    return (e.message, status)
  case let e as StoreError:
    return (e.message, status(of: e))
  case let e as TokenError:
    return (e.message, .noPermission)
  case let e as PasswordRejection:
    return (e.message, .dataError)
  case let e as KeyError:
    return (e.message, .config)
  case let e as CryptoError:
    return (e.message, .software)
  case let e as MailError:
    switch e {
    case .headerInjection: return (e.message, .dataError)
    case .invalidSender: return (e.message, .config)
    case .mailbox: return (e.message, .ioError)
    case .untrustedMailbox: return (e.message, .noPermission)
    default: return (e.message, e.isTemporary ? .tempFail : .unavailable)
    }
  case let e as TelegramError:
    switch e {
    case .notConfigured, .badToken: return (e.message, .config)
    case .temporary: return (e.message, .tempFail)
    case .refused: return (e.message, .unavailable)
    }
  default:
    return ("internal error: \(error)", .software)
  }
}

/// The status of a store failure, by its kind alone (the same for every engine).
private func status(of error: StoreError) -> ExitStatus {
  switch error.kind {
  case .busy, .unreachable: return .tempFail
  case .authentication: return .noPermission
  case .unsupported: return .config
  case .missing, .cannotOpen: return .noInput
  case .schema: return .config
  case .conflict, .constraint, .corrupt: return .dataError
  case .cannotCreate: return .cannotCreate
  case .untrusted: return .noPermission
  case .full, .io, .readOnly, .permission: return .ioError
  case .other: return .software
  }
}

import AuthKit
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Questions asked on the terminal: prompts on stderr, answers from stdin when it is a
/// terminal. Passwords are read with echo off and never leave memory except to be hashed.
///
/// Every answer, `--password-stdin` line and `-` token comes through one buffered reader of
/// stdin (`LineReader`), with a cap: 4 KiB a line (16 KiB for a token or link), then 65.
/// Input must be UTF-8: other bytes are refused (65), never replaced by U+FFFD. A password
/// longer than bcrypt's 72 bytes is refused (65) before it is hashed or checked.
enum Prompt {
  /// The most bytes of one answer or `--password-stdin` line.
  static let maxLine = 4096
  /// The most bytes of a token or link given as `-` (TokenInput's cap on a whole link).
  static let maxTokenLine = 16_384

  /// The one reader of stdin, for the whole process (what it read ahead stays for the next
  /// question), behind a lock.
  static let stdin = Mutex(LineReader(fd: 0))

  static var isInteractive: Bool { isatty(0) == 1 }

  /// Writes `prompt` to stderr, then reads one line from stdin (without its line end); nil at
  /// end of input. Echo is turned off before the prompt is shown, and without discarding
  /// what was typed ahead (TCSANOW), so an answer typed as soon as the prompt appears is kept.
  /// More than `limit` bytes, or bytes that are not UTF-8: 65, naming `what`.
  static func readLine(
    prompt: String? = nil, echo: Bool = true, limit: Int = maxLine, what: String = "answer"
  ) throws -> String? {
    var saved = termios()
    let restore = !echo && tcgetattr(0, &saved) == 0
    if restore {
      var quiet = saved
      quiet.c_lflag &= ~tcflag_t(ECHO)
      quiet.c_lflag |= tcflag_t(ECHONL)
      tcsetattr(0, TCSANOW, &quiet)
    }
    defer { if restore { tcsetattr(0, TCSANOW, &saved) } }
    if let prompt { Diagnostics.write(prompt) }
    return try line(what: what) { () throws(LineReader.Failure) in
      try stdin.withLock { (reader) throws(LineReader.Failure) in try reader.readLine(limit: limit)
      }
    }
  }

  /// The line `read` returns, checked as every answer is: too long or unreadable → 65 or 74,
  /// not UTF-8 → 65, naming `what`; nil at end of input. `check --password-fd` reads another
  /// descriptor through it.
  static func line(what: String, _ read: () throws(LineReader.Failure) -> [UInt8]?) throws
    -> String?
  {
    let bytes: [UInt8]?
    do {
      bytes = try read()
    } catch {
      switch error {
      case .tooLong(let limit):
        throw FlowError.invalidInput("the \(what) is longer than \(limit / 1024) KiB; refused")
      case .system(let operation, let code):
        throw FlowError.io("\(operation): \(String(cString: strerror(code)))")
      }
    }
    guard let bytes else { return nil }
    guard let line = String(validating: bytes, as: UTF8.self) else {
      throw FlowError.invalidInput("the \(what) is not valid UTF-8; refused, not altered")
    }
    return line
  }

  /// Asks a yes/no question; true only for "y" or "yes".
  static func confirm(_ question: String) throws -> Bool {
    let answer =
      try readLine(prompt: "\(question) [y/N] ")?.trimmingASCIIWhitespace().lowercased() ?? ""
    return answer == "y" || answer == "yes"
  }

  /// Asks for a password on the terminal without echo. End of input → 65.
  static func secret(_ prompt: String) throws -> String {
    guard isInteractive else {
      throw UsageError("no terminal to ask for the \(prompt.lowercased()); use --password-stdin.")
    }
    let what = prompt.lowercased()
    guard let line = try readLine(prompt: "\(prompt): ", echo: false, what: what) else {
      throw FlowError.invalidInput("no \(what) given (end of input)")
    }
    return try checkedPassword(line)
  }

  /// Asks for a value on the terminal with echo (a code). End of input → 65.
  static func value(_ prompt: String) throws -> String {
    guard isInteractive else {
      throw UsageError("no terminal to ask for the \(prompt.lowercased()); give it as an option.")
    }
    guard let line = try readLine(prompt: "\(prompt): ", what: prompt.lowercased()) else {
      throw FlowError.invalidInput("no \(prompt.lowercased()) given (end of input)")
    }
    return line
  }

  /// The next line of stdin, for `--password-stdin`: one line, its line end removed; empty
  /// input → 65. `what` is a password: see `checkedPassword`.
  static func stdinLine(_ what: String) throws -> String {
    guard let line = try readLine(what: "\(what) on stdin"), !line.isEmpty else {
      throw FlowError.invalidInput("no \(what) on stdin")
    }
    return try checkedPassword(line)
  }

  /// A command's TOKEN|URL argument: itself, or for `-` the next line of stdin (at most
  /// 16 KiB), so the token never shows in the process list. With `--password-stdin` too, the
  /// token is the first line of stdin and the password the second.
  static func token(_ argument: String) throws -> String {
    guard argument == "-" else { return argument }
    let prompt = isInteractive ? "Token or link: " : nil
    guard let line = try readLine(prompt: prompt, limit: maxTokenLine, what: "token on stdin"),
      !line.trimmingASCIIWhitespace().isEmpty
    else {
      throw FlowError.invalidInput("no token on stdin (the argument '-' reads it from stdin)")
    }
    return line
  }

  /// A password as read, refused (65) when bcrypt would not see all of it: more than 72 bytes
  /// of UTF-8, as typed or after NFC normalisation. bcrypt ignores every byte past the 72nd,
  /// so a longer password is never checked or stored cut short.
  static func checkedPassword(_ password: String) throws -> String {
    let limit = PasswordPolicy.maxBytes
    guard password.utf8.count <= limit,
      PasswordPolicy.normalize(password).utf8.count <= limit
    else { throw PasswordRejection.tooLong }
    return password
  }
}

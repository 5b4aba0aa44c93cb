import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

/// Questions asked on the terminal: prompts on stderr, answers from stdin when it is a
/// terminal. Passwords are read with echo off and never leave memory except to be hashed.
enum Prompt {
  static var isInteractive: Bool { isatty(0) == 1 }

  /// Writes `prompt` to stderr, then reads one line from stdin (without its line end); nil at
  /// end of input. Echo is turned off before the prompt is shown, and without discarding
  /// what was typed ahead (TCSANOW), so an answer typed as soon as the prompt appears is kept.
  static func readLine(prompt: String? = nil, echo: Bool = true) -> String? {
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
    var bytes: [UInt8] = []
    var c: UInt8 = 0
    while true {
      let n = read(0, &c, 1)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
      if c == 0x0A { break }
      bytes.append(c)
    }
    if bytes.last == 0x0D { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Asks a yes/no question; true only for "y" or "yes".
  static func confirm(_ question: String) -> Bool {
    let answer =
      readLine(prompt: "\(question) [y/N] ")?.trimmingASCIIWhitespace().lowercased() ?? ""
    return answer == "y" || answer == "yes"
  }

  /// Asks for a secret on the terminal without echo. End of input → 65.
  static func secret(_ prompt: String) throws -> String {
    guard isInteractive else {
      throw UsageError("no terminal to ask for the \(prompt.lowercased()); use --password-stdin.")
    }
    guard let line = readLine(prompt: "\(prompt): ", echo: false) else {
      throw FlowError.invalidInput("no \(prompt.lowercased()) given (end of input)")
    }
    return line
  }

  /// Asks for a value on the terminal with echo (a code). End of input → 65.
  static func value(_ prompt: String) throws -> String {
    guard isInteractive else {
      throw UsageError("no terminal to ask for the \(prompt.lowercased()); give it as an option.")
    }
    guard let line = readLine(prompt: "\(prompt): ") else {
      throw FlowError.invalidInput("no \(prompt.lowercased()) given (end of input)")
    }
    return line
  }

  /// The first line of stdin, for `--password-stdin`: one line, its line end removed; empty
  /// input → 65.
  static func stdinLine(_ what: String) throws -> String {
    guard let line = readLine(), !line.isEmpty else {
      throw FlowError.invalidInput("no \(what) on stdin")
    }
    return line
  }
}

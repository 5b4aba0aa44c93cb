/// An option that takes a value (`--db PATH`, `--format FORMAT`): its name, the value's
/// placeholder, and how a shell completes the value. Every one is named here once; each command
/// declares the ones it takes, with their help and any closed set of values, in `commands`.
struct ValueOption: OptionKey, Hashable {
  /// How a shell completes the value.
  enum Completion: Sendable { case none, files }

  let long: String
  let placeholder: String
  let completion: Completion

  init(_ long: String, _ placeholder: String, completion: Completion = .none) {
    self.long = long
    self.placeholder = placeholder
    self.completion = completion
  }

  // Global.
  static let db = ValueOption("db", "PATH", completion: .files)
  static let envFile = ValueOption("env-file", "PATH", completion: .files)
  static let sessionFile = ValueOption("session-file", "PATH", completion: .files)

  // Commands'.
  static let at = ValueOption("at", "TIME")
  static let code = ValueOption("code", "CODE")
  static let createdBefore = ValueOption("created-before", "TIME")
  static let event = ValueOption("event", "NAME")
  static let format = ValueOption("format", "FORMAT")
  /// `db copy --from DATABASE`.
  static let from = ValueOption("from", "DATABASE", completion: .files)
  static let homeBase = ValueOption("home-base", "DIR", completion: .files)
  static let limit = ValueOption("limit", "N")
  static let olderThan = ValueOption("older-than", "DURATION")
  static let output = ValueOption("output", "PATH", completion: .files)
  static let passwordFd = ValueOption("password-fd", "FD")
  static let reason = ValueOption("reason", "TEXT")
  static let since = ValueOption("since", "TIME")
  /// `users list --status STATUS`; `migrate --status` is `FlagOption.status`.
  static let status = ValueOption("status", "STATUS")
  static let to = ValueOption("to", "EMAIL")
  /// `db copy --to DATABASE` (`mail show --to EMAIL` is `to`).
  static let toDatabase = ValueOption("to", "DATABASE", completion: .files)
  static let user = ValueOption("user", "EMAIL")
}

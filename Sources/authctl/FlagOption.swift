/// An option that takes no value: given or not. Every flag of every command is named here once;
/// each command declares the ones it takes, with their help, in `commands`.
struct FlagOption: OptionKey, Hashable {
  let long: String
  let short: Character?

  init(_ long: String, short: Character? = nil) {
    self.long = long
    self.short = short
  }

  // Global.
  static let quiet = FlagOption("quiet", short: "q")
  static let verbose = FlagOption("verbose", short: "v")
  static let help = FlagOption("help", short: "h")

  // Commands'.
  static let all = FlagOption("all")
  static let allowExpensiveHashes = FlagOption("allow-expensive-hashes")
  static let batch = FlagOption("batch")
  static let dryRun = FlagOption("dry-run")
  static let failed = FlagOption("failed")
  static let forget = FlagOption("forget")
  static let generate = FlagOption("generate")
  static let last = FlagOption("last")
  static let noConfirm = FlagOption("no-confirm")
  static let notify = FlagOption("notify")
  static let pam = FlagOption("pam")
  static let passwordStdin = FlagOption("password-stdin")
  static let recordLogin = FlagOption("record-login")
  static let request = FlagOption("request")
  static let skipExisting = FlagOption("skip-existing")
  /// `migrate --status`; `users list --status STATUS` is `ValueOption.status`.
  static let status = FlagOption("status")
  static let unconfirmed = FlagOption("unconfirmed")
  static let withLog = FlagOption("with-log")
  static let withPasswordHashes = FlagOption("with-password-hashes")
  static let yes = FlagOption("yes")
}

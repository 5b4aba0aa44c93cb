#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The effective configuration: flags over environment over env file over defaults, each value
/// checked once at load and kept with its source (for `authctl config`), and the typed
/// `Settings` built from them.
public struct Config: Sendable {
  /// The raw text and source of every variable that has a value.
  public private(set) var values: [String: (text: String, source: SettingSource)] = [:]
  /// The typed settings: what flows, mail and commands read.
  public let settings: Settings
  /// The env file that was read, if any.
  public let envFilePath: String?

  /// Loads and checks every setting.
  ///
  /// - Parameters:
  ///   - flags: values given on the command line (`--db` fills `databasePath`).
  ///   - envFile: the `--env-file` path; nil reads `./.env` when it exists and
  ///     `defaultEnvFile` is true.
  ///   - observer: hears a warning for each line of the env file that cannot be parsed.
  public init(
    flags: [SettingFlag] = [], environment: [String: String],
    envFile: String? = nil, defaultEnvFile: Bool = true, observer: any Observer
  ) throws(ConfigError) {
    let path =
      envFile
      ?? (defaultEnvFile && FileManager.default.fileExists(atPath: ".env") ? ".env" : nil)
    envFilePath = path
    var fileValues: [String: String] = [:]
    if let path {
      let file = EnvFile(parsing: String(decoding: try Config.readTrusted(path), as: UTF8.self))
      for line in file.badLines {
        observer.warn("\(path):\(line): cannot parse this line; skipped (as python-dotenv does)")
      }
      let secrets = Set(SettingSpec.all.filter(\.isSecret).map(\.name))
      for (key, origin) in file.derived(from: secrets).sorted(by: { $0.value.line < $1.value.line })
      where SettingSpec.all.contains(where: { $0.name == key && !$0.isSecret }) {
        throw ConfigError(
          name: key, source: .envFile(path),
          problem:
            "line \(origin.line) takes the secret \(origin.secret) through ${…}; a secret may only go into a secret setting (JWT_SECRET, SECRET_KEY, MAIL_PASSWORD); refused"
        )
      }
      fileValues = file.resolved(environment: environment)
    }
    for spec in SettingSpec.all {
      if let f = flags.first(where: { $0.field == spec.field }) {
        values[spec.name] = (f.value, .flag(f.flag))
      } else if let v = environment[spec.name] {
        values[spec.name] = (v, .environment)
      } else if let v = fileValues[spec.name] {
        values[spec.name] = (v, .envFile(path ?? ".env"))
      } else if let d = spec.defaultValue {
        values[spec.name] = (d, .builtIn)
      }
    }
    var settings = Settings()
    for spec in SettingSpec.all { try Self.load(spec, values[spec.name], into: &settings) }
    try Self.checkUsernameSender(settings, values["MAIL_USERNAME"])
    self.settings = settings
    try checkDatabase()
  }

  /// A password inside `--db` would show in the process list (DESIGN.md: no password on argv):
  /// refused, pointing at libpq's own sources. In `AUTHCTL_DB` (the environment or a trusted
  /// env file) it is libpq's to use, masked wherever the location is shown.
  private func checkDatabase() throws(ConfigError) {
    guard let (text, source) = values["AUTHCTL_DB"], case .flag = source,
      StoreLocation(text).hasPassword
    else { return }
    throw ConfigError(
      name: "AUTHCTL_DB", source: source,
      problem:
        "a password on the command line shows in the process list; refused — keep it in ~/.pgpass or PGPASSFILE (or PGPASSWORD), libpq's own sources"
    )
  }

  /// `MAIL_USERNAME` as a sender (`Settings.mailUsernameSender`): when it is written
  /// `Name <address>` (AUTH then logs in as the address) or when MAIL_DEFAULT_SENDER and
  /// MAIL_SENDERS are unset (it is then the sender), it must parse as one (`MailSender`), else
  /// the configuration is refused (78).
  private static func checkUsernameSender(
    _ settings: Settings, _ value: (text: String, source: SettingSource)?
  ) throws(ConfigError) {
    guard let text = settings.mailUsername, let source = value?.source else { return }
    let isSender = settings.mailDefaultSender == nil && settings.mailSenders.isEmpty
    guard isSender || text.unicodeScalars.contains("<") else { return }
    do throws(MailSenderError) {
      _ = try MailSender.parse(text)
    } catch {
      let role =
        isSender
        ? "it is the sender (MAIL_DEFAULT_SENDER and MAIL_SENDERS are unset)"
        : "it is written as Name <address>"
      throw ConfigError(
        name: "MAIL_USERNAME", source: source,
        problem:
          "\(role), and '\(EmailAddress.printable(text))' is not a sender: \(error.reason)"
          + (isSender ? "; set MAIL_DEFAULT_SENDER" : ""))
    }
  }

  /// The longest env file read, in bytes.
  static let maxEnvFileSize = 1 << 20

  /// The bytes of the env file at `path`, if it can be trusted: owned by the caller (effective
  /// user) or root, and not writable by group or others — the rule of ssh's StrictModes
  /// (sshd_config(5)) and of git's `safe.directory` (git-config(1)), since the file sets the
  /// database, the mail server and the secrets. Anything else is refused (78), naming the
  /// file and why.
  static func readTrusted(_ path: String) throws(ConfigError) -> [UInt8] {
    let name = "env file \(path)"
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw ConfigError(
        name: "--env-file", source: nil,
        problem: "cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(fd) }
    guard let f = FileOwner(fd: fd) else {
      throw ConfigError(name: name, source: nil, problem: "cannot stat it")
    }
    if !f.ownedByCallerOrRoot {
      throw ConfigError(
        name: name, source: nil,
        problem:
          "owned by \(FileOwner.userName(f.uid)), not by you or root; refused (as ssh's StrictModes and git's safe.directory refuse such files)"
      )
    }
    if f.groupOrOthersCanWrite {
      throw ConfigError(
        name: name, source: nil,
        problem:
          "writable by group or others (mode \(f.modeText)); refused — chmod go-w \(path)")
    }
    let data: [UInt8]
    do {
      data = try readAll(fd, "read \(path)", limit: maxEnvFileSize)
    } catch {
      throw ConfigError(name: name, source: nil, problem: "cannot read it: \(error.text)")
    }
    guard data.count <= maxEnvFileSize else {
      throw ConfigError(name: name, source: nil, problem: "larger than 1 MiB; refused")
    }
    return data
  }

  /// Checks the text of `spec` (`value`, nil when unset) and puts its value into `settings`. A line break or NUL in a
  /// path, host, address, URL or number can only do harm (a header injection in From, a
  /// truncated C string, a message split over lines): refused at load, before anything
  /// changes, without echoing the value.
  private static func load(
    _ spec: SettingSpec, _ value: (text: String, source: SettingSource)?,
    into settings: inout Settings
  ) throws(ConfigError) {
    guard let (text, source) = value else { return }
    if spec.kind != .secret, text.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) {
      throw ConfigError(
        name: spec.name, source: source, problem: "the value contains a line break or NUL")
    }
    if let problem = spec.load(&settings, text) {
      throw ConfigError(name: spec.name, source: source, problem: problem)
    }
  }

  /// Where the value of `field` came from; nil when it is unset.
  public func source(_ field: PartialKeyPath<Settings> & Sendable) -> SettingSource? {
    guard let spec = SettingSpec.all.first(where: { $0.field == field }) else { return nil }
    return values[spec.name]?.source
  }

  /// Settings as `authctl config` shows them, in the table's order: secrets as `****`, unset
  /// as nil.
  public func described() -> [(spec: SettingSpec, value: String?, source: SettingSource?)] {
    SettingSpec.all.map { spec in
      guard let (text, source) = values[spec.name] else { return (spec, nil, nil) }
      // A connection string may hold a password: shown masked.
      if spec.field == \Settings.databasePath { return (spec, StoreLocation(text).display, source) }
      return (spec, spec.isSecret ? "****" : text, source)
    }
  }
}

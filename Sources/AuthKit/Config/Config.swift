#if canImport(Glibc)
  import Glibc
#endif

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// The effective settings: flags over environment over env file over defaults, each value
/// checked once at load and kept with its source.
public struct Config: Sendable {
  /// The raw text and source of every variable that has a value.
  public private(set) var values: [String: (text: String, source: SettingSource)] = [:]
  /// The env file that was read, if any.
  public let envFilePath: String?

  /// Loads and checks every setting.
  ///
  /// - Parameters:
  ///   - flags: values given on the command line, by variable name (`--db` → `AUTHCTL_DB`),
  ///     with the flag's spelling.
  ///   - envFile: the `--env-file` path; nil reads `./.env` when it exists.
  public init(
    flags: [String: (value: String, flag: String)] = [:], environment: [String: String],
    envFile: String? = nil
  ) throws(ConfigError) {
    let path = envFile ?? (FileManager.default.fileExists(atPath: ".env") ? ".env" : nil)
    envFilePath = path
    var fileValues: [String: String] = [:]
    if let path {
      let file = EnvFile(parsing: String(decoding: try Config.readTrusted(path), as: UTF8.self))
      for line in file.badLines {
        Diagnostics.warn("\(path):\(line): cannot parse this line; skipped (as python-dotenv does)")
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
      if let f = flags[spec.name] {
        values[spec.name] = (f.value, .flag(f.flag))
      } else if let v = environment[spec.name] {
        values[spec.name] = (v, .environment)
      } else if let v = fileValues[spec.name] {
        values[spec.name] = (v, .envFile(path ?? ".env"))
      } else if let d = spec.defaultValue {
        values[spec.name] = (d, .builtIn)
      }
    }
    for spec in SettingSpec.all { try check(spec) }
    try checkUsernameSender()
  }

  /// `MAIL_USERNAME` is a sender when it is written `Name <address>` (AUTH then uses the
  /// address) or when MAIL_DEFAULT_SENDER and MAIL_SENDERS are unset: then it must parse as one.
  private func checkUsernameSender() throws(ConfigError) {
    guard let (text, source) = values["MAIL_USERNAME"], !text.isEmpty else { return }
    let isSender = string("MAIL_DEFAULT_SENDER") == nil && string("MAIL_SENDERS") == nil
    guard isSender || text.contains("<") else { return }
    do {
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

  /// The senders a setting of kind `.sender` or `.senders` names (MAIL_USERNAME: when it is
  /// written `Name <address>`); nil when unset or of another kind. Values were checked at
  /// load.
  public func senders(_ name: String) -> [MailSender]? {
    guard let text = string(name) else { return nil }
    switch SettingSpec.named(name).kind {
    case .sender: return (try? MailSender.parse(text)).map { [$0] }
    case .senders: return try? MailSender.parseList(text)
    default:
      guard name == "MAIL_USERNAME", text.contains("<") else { return nil }
      return (try? MailSender.parse(text)).map { [$0] }
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

  private func check(_ spec: SettingSpec) throws(ConfigError) {
    guard let (text, source) = values[spec.name] else { return }
    // A line break or NUL in a path, host, address, URL or number can only do harm (a header
    // injection in From, a truncated C string, a message split over lines): refused at load,
    // before anything changes, without echoing the value.
    if spec.kind != .secret, text.utf8.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) {
      throw ConfigError(
        name: spec.name, source: source, problem: "the value contains a line break or NUL")
    }
    switch spec.kind {
    case .bool:
      if Config.bool(text) == nil {
        throw ConfigError(
          name: spec.name, source: source,
          problem: "'\(text)' is not a boolean (True/False, true/false, 1/0, yes/no)")
      }
    case .integer(let range):
      guard let n = Int(text.trimmingWhitespace()), range.contains(n) else {
        throw ConfigError(
          name: spec.name, source: source,
          problem: "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)"
        )
      }
    case .duration:
      guard let d = DurationText.parse(text), d > 0 else {
        throw ConfigError(
          name: spec.name, source: source,
          problem: "'\(text)' is not a duration (90s, 30m, 48h, 7d, 2w)")
      }
      guard d <= DurationText.maximum else {
        throw ConfigError(
          name: spec.name, source: source,
          problem:
            "'\(text)' is longer than the longest duration authctl accepts (36525d, 100 years)")
      }
    case .text:
      break
    case .sender, .senders:
      do throws(MailSenderError) {
        if spec.kind == .sender {
          _ = try MailSender.parse(text)
        } else {
          _ = try MailSender.parseList(text)
        }
      } catch {
        throw ConfigError(
          name: spec.name, source: source,
          problem:
            "'\(EmailAddress.printable(text))' is not an address or Name <address>: \(error.reason)"
        )
      }
    case .secret:
      if text.utf8.contains(0) {
        throw ConfigError(name: spec.name, source: source, problem: "the value contains a NUL")
      }
    }
  }

  static func bool(_ text: String) -> Bool? {
    switch text.trimmingWhitespace().lowercased() {
    case "true", "1", "yes", "on": return true
    case "false", "0", "no", "off", "": return false
    default: return nil
    }
  }

  // MARK: Typed access (values were checked at load)

  /// The text of `name`, nil when unset or empty.
  public func string(_ name: String) -> String? {
    guard let v = values[name]?.text, !v.isEmpty else { return nil }
    return v
  }

  public func source(_ name: String) -> SettingSource? { values[name]?.source }

  public func bool(_ name: String) -> Bool {
    values[name].flatMap { Config.bool($0.text) } ?? false
  }

  public func int(_ name: String) -> Int {
    values[name].flatMap { Int($0.text.trimmingWhitespace()) } ?? 0
  }

  /// Seconds.
  public func duration(_ name: String) -> Int64 {
    values[name].flatMap { DurationText.parse($0.text) } ?? 0
  }

  /// The database path.
  public var databasePath: String { string("AUTHCTL_DB") ?? "./authctl.sqlite" }

  /// Settings as `authctl config` shows them: secrets as `****`, unset as nil.
  public func described() -> [(name: String, value: String?, source: SettingSource?)] {
    SettingSpec.all.map { spec in
      guard let (text, source) = values[spec.name] else { return (spec.name, nil, nil) }
      return (spec.name, spec.isSecret ? "****" : text, source)
    }
  }
}

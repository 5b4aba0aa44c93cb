import Foundation
import TestSupport
import Testing

@testable import AuthKit

/// `Settings` is built once from `SettingSpec.all`: each kind parsed into its typed field,
/// defaults applied, bounds kept, a bad value refused with the variable, its source and the
/// problem — and a secret never printed.
@Suite struct SettingsTests {
  /// The configuration of `environment` alone (an empty env file, so no `./.env` is read).
  static func load(
    _ environment: [String: String], flags: [SettingFlag] = []
  ) throws -> Config {
    let dir = try TempDir("settings")
    _ = FileManager.default.createFile(atPath: dir.file("empty.env"), contents: Data())
    return try Config(
      flags: flags, environment: environment, envFile: dir.file("empty.env"),
      observer: SilentObserver())
  }

  /// The message of the `ConfigError` loading `environment` throws, or nil.
  static func problem(_ environment: [String: String]) -> String? {
    do {
      _ = try load(environment)
      return nil
    } catch let error as ConfigError {
      return error.message
    } catch {
      return "not a ConfigError: \(error)"
    }
  }

  @Test func defaults() throws {
    let config = try Self.load([:])
    let s = config.settings
    #expect(s.databasePath == "./authctl.sqlite")
    #expect(s.sessionFile == nil && s.jwtSecret == nil && s.secretKey == nil && s.appURL == nil)
    #expect(s.mailServer == nil && s.mailUsername == nil && s.mailPassword == nil)
    #expect(s.mailDefaultSender == nil && s.mailSenders.isEmpty && s.mailTLSCAFile == nil)
    #expect(s.mailPort == 25 && s.mailMaxEmails == 100)
    #expect(!s.mailUseTLS && !s.mailUseSSL && !s.mailSuppressSend && !s.mailDebug)
    #expect(!s.mailASCIIAttachments && !s.mailAllowPlaintextAuth)
    #expect(s.mailTimeout == .seconds(30))
    #expect(s.bcryptCost == 12 && s.minPasswordLength == 12 && s.tokenIssuer == "authctl")
    #expect(s.confirmTTL == .seconds(1800) && s.resetTTL == .seconds(1800))
    #expect(s.codeTTL == .seconds(600) && s.sessionTTL == .seconds(12 * 3600))
    #expect(s.maxSessions == 10 && s.lockoutThreshold == 10 && s.mailPerHour == 20)
    #expect(s.lockoutDuration == .seconds(900))
    #expect(config.source(\.lockoutThreshold) == .builtIn)
    #expect(config.source(\.mailServer) == nil)
  }

  /// Every stored field of `Settings` is filled by exactly one spec, and every default of the
  /// table loads (a field without a spec would keep its placeholder).
  @Test func everyFieldHasOneSpec() throws {
    let fields = Mirror(reflecting: Settings()).children.count
    #expect(fields == SettingSpec.all.count)
    #expect(Set(SettingSpec.all.map(\.field)).count == SettingSpec.all.count)
    #expect(Set(SettingSpec.all.map(\.name)).count == SettingSpec.all.count)
    for spec in SettingSpec.all {
      var s = Settings()
      if let d = spec.defaultValue {
        #expect(spec.load(&s, d) == nil, "\(spec.name)'s default '\(d)' does not load")
      }
      switch spec.kind {
      case .integer, .duration:
        #expect(spec.defaultValue != nil, "\(spec.name) has no default")
      default: break
      }
    }
  }

  @Test func textPathAndURL() throws {
    let s = try Self.load([
      "MAIL_SERVER": "smtp.example.com", "AUTHCTL_SESSION_FILE": "/tmp/s",
      "APP_URL": "https://app.example.com//", "AUTHCTL_TOKEN_ISSUER": "DarkEngine",
    ]).settings
    #expect(s.mailServer == "smtp.example.com")
    #expect(s.sessionFile == "/tmp/s")
    #expect(s.appURL?.text == "https://app.example.com//")
    #expect(s.appURL?.base == "https://app.example.com")
    #expect(s.tokenIssuer == "DarkEngine")
    // Empty is unset for optional text, the default for text that has one.
    let empty = try Self.load([
      "MAIL_SERVER": "", "APP_URL": "", "AUTHCTL_DB": "", "AUTHCTL_TOKEN_ISSUER": "",
    ]).settings
    #expect(empty.mailServer == nil && empty.appURL == nil)
    #expect(empty.databasePath == "./authctl.sqlite" && empty.tokenIssuer == "authctl")
  }

  @Test func flagsWinAndNameTheirSource() throws {
    let config = try Self.load(
      ["AUTHCTL_DB": "/env.sqlite"],
      flags: [SettingFlag(\.databasePath, "/flag.sqlite", flag: "--db")])
    #expect(config.settings.databasePath == "/flag.sqlite")
    #expect(config.source(\.databasePath) == .flag("--db"))
  }

  @Test func list() throws {
    let s = try Self.load(["MAIL_SENDERS": " a@example.com ,, b@example.com\t,"]).settings
    #expect(s.mailSenders.map(\.address) == ["a@example.com", "b@example.com"])
    #expect(try Self.load(["MAIL_SENDERS": " , "]).settings.mailSenders.isEmpty)
    // Senders are parsed (issue 15): a quoted comma does not separate.
    let named = try Self.load(["MAIL_SENDERS": "\"Accounts, Inc.\" <a@example.com>, b@x.test"])
      .settings.mailSenders
    #expect(named.map(\.displayName) == ["Accounts, Inc.", nil])
    #expect(named.map(\.address) == ["a@example.com", "b@x.test"])
  }

  @Test(arguments: [
    ("True", true), ("true", true), ("1", true), ("yes", true), ("on", true), (" YES ", true),
    ("False", false), ("false", false), ("0", false), ("no", false), ("off", false), ("", false),
  ])
  func bool(text: String, value: Bool) throws {
    #expect(try Self.load(["MAIL_USE_TLS": text]).settings.mailUseTLS == value)
  }

  @Test func integerBounds() throws {
    #expect(try Self.load(["MAIL_PORT": "1"]).settings.mailPort == 1)
    #expect(try Self.load(["MAIL_PORT": " 65535 "]).settings.mailPort == 65535)
    #expect(try Self.load(["AUTHCTL_BCRYPT_COST": "4"]).settings.bcryptCost == 4)
    #expect(try Self.load(["AUTHCTL_LOCKOUT_THRESHOLD": "1000"]).settings.lockoutThreshold == 1000)
    for (name, text) in [
      ("MAIL_PORT", "0"), ("MAIL_PORT", "65536"), ("AUTHCTL_BCRYPT_COST", "3"),
      ("AUTHCTL_BCRYPT_COST", "32"), ("AUTHCTL_LOCKOUT_THRESHOLD", "0"),
      ("AUTHCTL_MIN_PASSWORD_LENGTH", "73"), ("MAIL_PORT", "2.5"), ("MAIL_PORT", ""),
    ] {
      let message = Self.problem([name: text])
      #expect(
        message?.hasPrefix("\(name) (from environment): '\(text)' is not a whole number from ")
          == true, "\(name)=\(text): \(message ?? "accepted")")
    }
    #expect(
      Self.problem(["MAIL_PORT": "abc"])
        == "MAIL_PORT (from environment): 'abc' is not a whole number from 1 to 65535")
  }

  @Test func durations() throws {
    for (text, seconds) in [
      ("90s", 90), ("30m", 1800), ("48h", 172_800), ("7d", 604_800), ("2w", 1_209_600),
      ("45", 45), ("36525d", 36525 * 86_400),
    ] as [(String, Int64)] {
      #expect(
        try Self.load(["AUTHCTL_SESSION_TTL": text]).settings.sessionTTL == .seconds(seconds),
        "\(text)")
    }
    #expect(
      Self.problem(["AUTHCTL_SESSION_TTL": "soon"])
        == "AUTHCTL_SESSION_TTL (from environment): 'soon' is not a duration (90s, 30m, 48h, 7d, 2w)"
    )
    #expect(Self.problem(["AUTHCTL_CODE_TTL": "0s"])?.contains("'0s' is not a duration") == true)
    #expect(
      Self.problem(["MAIL_TIMEOUT": "36526d"])
        == "MAIL_TIMEOUT (from environment): '36526d' is longer than the longest duration authctl accepts (36525d, 100 years)"
    )
    #expect(Duration.seconds(1800).wholeSeconds == 1800)
  }

  @Test func lineBreaksAndNULRefused() throws {
    #expect(
      Self.problem(["MAIL_DEFAULT_SENDER": "a@example.com\r\nBcc: b@example.com"])
        == "MAIL_DEFAULT_SENDER (from environment): the value contains a line break or NUL")
    #expect(
      Self.problem(["AUTHCTL_DB": "/x\u{0}y"])
        == "AUTHCTL_DB (from environment): the value contains a line break or NUL")
    // A secret may hold a line break (any bytes), but not NUL.
    #expect(try Self.load(["MAIL_PASSWORD": "p\nw"]).settings.mailPassword?.revealed == "p\nw")
    #expect(
      Self.problem(["MAIL_PASSWORD": "p\u{0}w"])
        == "MAIL_PASSWORD (from environment): the value contains a NUL")
  }

  /// The first bad variable in the table's order is the one reported.
  @Test func firstBadVariableInTableOrder() {
    #expect(
      Self.problem(["AUTHCTL_LOCKOUT_THRESHOLD": "x", "MAIL_PORT": "y"])?.hasPrefix("MAIL_PORT")
        == true)
  }

  @Test func secretsNeverPrint() throws {
    let value = "0123456789abcdef0123456789abcdef-secret"
    let config = try Self.load(["JWT_SECRET": value, "SECRET_KEY": value, "MAIL_PASSWORD": value])
    let s = config.settings
    #expect(s.jwtSecret?.bytes == Array(value.utf8))
    #expect(s.jwtSecret?.byteCount == value.utf8.count)
    #expect(s.mailPassword?.revealed == value)
    // And the SMTP settings made from them.
    let smtp = SMTPNotifier.smtpSettings(s, host: "mail.example.com")
    #expect(smtp.password?.revealed == value)
    var dumped = ""
    dump(s, to: &dumped)
    dump(smtp, to: &dumped)
    for shown in [
      "\(s)", String(reflecting: s), dumped, "\(smtp)", "\(s.jwtSecret!)",
      String(reflecting: s.secretKey!),
    ] {
      #expect(!shown.contains("0123456789abcdef"), "\(shown)")
    }
    #expect("\(s.jwtSecret!)" == "****")
    let described = config.described().first { $0.spec.name == "JWT_SECRET" }
    #expect(described?.value == "****" && described?.source == .environment)
  }
}

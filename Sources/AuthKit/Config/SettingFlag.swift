/// A setting given on the command line: `--db PATH` fills `databasePath`, over the
/// environment and the env file.
public struct SettingFlag: Sendable {
  /// The field it fills.
  public var field: PartialKeyPath<Settings> & Sendable
  public var value: String
  /// The flag as spelled (`--db`): the value's source in messages and `authctl config`.
  public var flag: String

  public init(_ field: PartialKeyPath<Settings> & Sendable, _ value: String, flag: String) {
    self.field = field
    self.value = value
    self.flag = flag
  }
}

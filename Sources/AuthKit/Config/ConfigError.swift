/// A configuration value authctl cannot use. Names the variable and where it came from; never
/// repeats the value of a secret.
public struct ConfigError: Error, Sendable {
  public var name: String
  public var source: SettingSource?
  public var problem: String

  public init(name: String, source: SettingSource?, problem: String) {
    self.name = name
    self.source = source
    self.problem = problem
  }

  public var message: String {
    let from = source.map { " (from \($0.description))" } ?? ""
    return "\(name)\(from): \(problem)"
  }
}

/// Where a setting's value came from; flags win over the environment, which wins over the
/// env file, which wins over the built-in default.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
  case flag(String)
  case environment
  case envFile(String)
  case builtIn

  public var description: String {
    switch self {
    case .flag(let f): return "flag \(f)"
    case .environment: return "environment"
    case .envFile(let path): return "env file \(path)"
    case .builtIn: return "default"
    }
  }
}

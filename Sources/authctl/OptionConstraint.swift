/// A rule between a command's options, declared with the command and checked by the parser
/// after the options are read: a broken rule is a usage error (exit 64).
enum OptionConstraint: Sendable {
  /// The option must be given; `hint` says why or how.
  case required(any OptionKey, hint: String? = nil)
  /// At most one of these may be given.
  case exclusive([any OptionKey])
  /// Exactly one of these must be given.
  case oneOf([any OptionKey])
  /// When the first is given, at least one of the others must be too.
  case requires(any OptionKey, anyOf: [any OptionKey], hint: String? = nil)

  /// The long names the rule keeps apart (for a shell's completion), when it does.
  var exclusiveNames: [String] {
    switch self {
    case .exclusive(let keys), .oneOf(let keys): keys.map(\.long)
    case .required, .requires: []
    }
  }

  /// Throws when `given` (the long names of the options on the line) breaks the rule.
  func check(_ given: Set<String>, for command: CommandSpec) throws(UsageError) {
    func label(_ key: any OptionKey) -> String {
      let placeholder = command.option(key)?.value.map { " \($0)" } ?? ""
      return "--\(key.long)\(placeholder)"
    }
    func list(_ keys: [any OptionKey], _ last: String) -> String {
      let labels = keys.map(label)
      guard labels.count > 1 else { return labels.joined() }
      return labels.dropLast().joined(separator: ", ") + " \(last) " + labels.last!
    }
    func because(_ hint: String?) -> String { hint.map { " (\($0))" } ?? "" }
    let name = command.name
    switch self {
    case .required(let key, let hint):
      if !given.contains(key.long) {
        throw UsageError("'\(name)' needs \(label(key))\(because(hint)).")
      }
    case .exclusive(let keys):
      if keys.filter({ given.contains($0.long) }).count > 1 {
        throw UsageError("'\(name)' takes only one of \(list(keys, "and")).")
      }
    case .oneOf(let keys):
      if keys.filter({ given.contains($0.long) }).count != 1 {
        throw UsageError("'\(name)' needs exactly one of \(list(keys, "and")).")
      }
    case .requires(let key, let others, let hint):
      if given.contains(key.long), !others.contains(where: { given.contains($0.long) }) {
        throw UsageError("'\(name) --\(key.long)' needs \(list(others, "or"))\(because(hint)).")
      }
    }
  }
}

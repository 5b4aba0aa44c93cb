/// The name of a declared option. `FlagOption` and `ValueOption` are its two kinds; handlers look
/// options up through their static members (`inv.flag(.passwordStdin)`), so a misspelled name
/// does not compile.
protocol OptionKey: Sendable {
  /// The long name, without `--`.
  var long: String { get }
}

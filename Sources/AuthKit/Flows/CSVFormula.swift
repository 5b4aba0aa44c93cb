/// CSV cells a spreadsheet would run as a formula, defused on export and restored on import
/// (OWASP, "CSV Injection": prefix a cell that starts with `=`, `+`, `-`, `@`, TAB or CR with
/// a single quote).
///
/// The rule round-trips exactly: `defused` also prefixes a cell that already starts with `'`,
/// and `restored` removes exactly one leading `'`. So `=1+1` is written `'=1+1`, `'x` is
/// written `''x`, and an import gives back `=1+1` and `'x`. A hand-made import file whose value
/// really starts with `'` doubles it. JSON lines are not touched (not a spreadsheet format).
public enum CSVFormula {
  /// True for the first bytes that make a spreadsheet evaluate a cell — `= + - @ TAB CR` —
  /// and for the quote itself.
  @inlinable public static func isLeading(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0d,
      UInt8(ascii: "'"):
      return true
    default:
      return false
    }
  }

  /// `cell` with a `'` in front when it starts with one of `= + - @ TAB CR '`.
  public static func defused(_ cell: [UInt8]) -> [UInt8] {
    guard let first = cell.first, isLeading(first) else { return cell }
    return [UInt8(ascii: "'")] + cell
  }

  /// `cell` without one leading `'` (the prefix `defused` adds).
  public static func restored(_ cell: String) -> String {
    cell.hasPrefix("'") ? String(cell.dropFirst()) : cell
  }
}

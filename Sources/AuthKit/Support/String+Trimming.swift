/// The blanks `trimming(_:)` removes, as sets of Unicode scalars.
public enum Blanks {
  /// Space and tab: RFC 5322's WSP, around a header value.
  public static let spaceAndTab: Set<Unicode.Scalar> = [" ", "\t"]
  /// Space, tab, CR and LF: around an env file's value and a setting's number or boolean.
  public static let spaceTabAndLineEnds: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]
  /// ASCII whitespace — space, tab, LF, VT, FF, CR: around addresses, answers and CSV names.
  public static let asciiWhitespace: Set<Unicode.Scalar> = [
    " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}",
  ]
}

/// The one trimming routine.
extension StringProtocol {
  /// The text without leading and trailing `blanks`, taken by Unicode scalar, not by Character:
  /// a blank followed by a combining mark is one Character, and its blank must still go.
  public func trimming(_ blanks: Set<Unicode.Scalar>) -> String {
    let scalars = unicodeScalars
    // Nothing to trim (the common case: an address of an import): no scalar-by-scalar copy.
    if let head = scalars.first, let tail = scalars.last, !blanks.contains(head),
      !blanks.contains(tail)
    {
      return String(self)
    }
    guard let first = scalars.firstIndex(where: { !blanks.contains($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !blanks.contains($0) })!
    return String(String.UnicodeScalarView(scalars[first...last]))
  }

  /// The text without leading and trailing ASCII whitespace (`Blanks.asciiWhitespace`).
  public func trimmingASCIIWhitespace() -> String { trimming(Blanks.asciiWhitespace) }
}

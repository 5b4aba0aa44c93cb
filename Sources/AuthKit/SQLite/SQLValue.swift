/// A value bound to a statement parameter.
public enum SQLValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case text(String)
  case blob([UInt8])

  /// `.text` or `.null`.
  public static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
}

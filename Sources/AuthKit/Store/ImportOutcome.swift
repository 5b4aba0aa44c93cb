/// What `AccountRecords.importAccount` did with one record of an import.
public enum ImportOutcome: Sendable, Equatable {
  /// The account was added.
  case added
  /// An account had this email before the import began: nothing added.
  case existing
  /// An earlier record of the same import, on `line`, has this email: nothing added.
  case repeated(line: Int)
}

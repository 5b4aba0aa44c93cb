/// The 10,000 most common passwords (data/common-passwords.txt, see data/README.md), as a set
/// made once, at first use, from the text in `CommonPasswords+Data.swift`.
enum CommonPasswords {
  /// The list's entries, in order.
  static var list: [String] { text.split(separator: "\n").map(String.init) }

  private static let set: Set<String> = Set(list)

  /// Whether `password`, lower-cased, is on the list (the list is all lower case).
  static func contains(_ password: String) -> Bool {
    set.contains(password.lowercased())
  }
}

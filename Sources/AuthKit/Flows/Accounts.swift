/// Finding the account a command names.
public enum Accounts {
  /// The account with this email (normalised first) or, when `orID`, this id; else 67.
  public static func lookup(_ tx: any StoreTransaction, _ key: String, orID: Bool = false) throws
    -> Account
  {
    if key.trimmingASCIIWhitespace().isEmpty {
      throw FlowError.invalidInput("no account given: the email\(orID ? " or id" : "") is empty")
    }
    if orID, let a = try tx.account(id: key) { return a }
    let email: String
    do { email = try EmailAddress.normalize(key) } catch {
      if orID { throw FlowError.noSuchAccount("no account with email or id '\(key)'") }
      throw error
    }
    guard let a = try tx.account(email: email) else {
      throw FlowError.noSuchAccount("no account with email \(email)")
    }
    return a
  }
}

/// Text of audit rows, the same for every store.
enum AuditText {
  /// `text` with every occurrence of `address` (compared without ASCII case) replaced by
  /// `[erased]` (an erasure, `AuditRecords.pseudonymiseAuditEvents`).
  static func erase(_ address: String, from text: String) -> String {
    let needle = Array(address.utf8)
    let bytes = Array(text.utf8)
    guard !needle.isEmpty, bytes.count >= needle.count else { return text }
    func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c | 0x20 : c }
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      if i + needle.count <= bytes.count,
        (0..<needle.count).allSatisfy({ lower(bytes[i + $0]) == needle[$0] })
      {
        out += Array("[erased]".utf8)
        i += needle.count
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// An event row's columns after the erasure of the account `userID` at `address`
  /// (lowercased): the user id becomes `pseudonym` when it was the account's (or unset on a
  /// row of the address), the address goes when it was the account's, and the address is cut
  /// out of the reason and detail. One rule for audit and hook events on every store.
  static func erased(
    _ row: (user: String?, email: String?, reason: String?, detail: String?),
    userID: String, address: String, pseudonym: String
  ) -> (user: String?, email: String?, reason: String?, detail: String?) {
    let theirs = row.email.map { $0.lowercased() == address } ?? false
    return (
      row.user == userID || (row.user == nil && theirs) ? pseudonym : row.user,
      theirs ? nil : row.email,
      row.reason.map { erase(address, from: $0) },
      row.detail.map { erase(address, from: $0) }
    )
  }
}

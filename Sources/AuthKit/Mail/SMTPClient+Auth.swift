#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension SMTPClient {
  /// AUTH PLAIN (RFC 4616) when offered or when no known mechanism is, else AUTH LOGIN
  /// (draft-murchison-sasl-login). Credentials never reach the transcript or an error.
  func authenticate(username: String, password: String) throws(MailError) {
    let offered = (capabilities["AUTH"] ?? "").uppercased().split(separator: " ")
    var reply: SMTPReply
    if offered.contains("PLAIN") || !offered.contains("LOGIN") {
      let token = base64("\u{0}\(username)\u{0}\(password)")
      reply = try command("AUTH PLAIN \(token)", .auth, shown: "AUTH PLAIN ****")
      if reply.code == 334 { reply = try command(token, .auth, shown: "****") }
    } else {
      reply = try command("AUTH LOGIN", .auth)
      if reply.code == 334 { reply = try command(base64(username), .auth, shown: "****") }
      if reply.code == 334 { reply = try command(base64(password), .auth, shown: "****") }
    }
    guard reply.code == 235 else {
      quit()
      throw .rejected(stage: .auth, reply: reply)
    }
  }

  private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
}

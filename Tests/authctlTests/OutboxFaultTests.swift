import AuthKit
import Foundation
import TestSupport
import Testing

/// Issue 4's fault acceptance through the binary: whatever the server does, `register` and
/// `recover` commit the account change, and their mails are queued (temporary faults) or
/// failed (permanent ones) — never lost, never sent twice; `mail flush` then delivers every
/// queued one exactly once.
@Suite(.serialized, .tags(.slow)) struct OutboxFaultTests {
  enum Fault: String, CaseIterable, Sendable {
    case connectionRefused, greeting421, rcpt451, rcpt550, data552, hangInData
    case certificateForAnotherHost, untrustedCertificate, startTLSNotOffered

    /// Whether the message is kept queued for a retry (else failed with the server's reply).
    var temporary: Bool { self != .rcpt550 && self != .data552 }

    /// What `last_error` must contain.
    var error: String {
      switch self {
      case .connectionRefused: "refused"
      case .greeting421: "421"
      case .rcpt451: "451"
      case .rcpt550: "550 5.1.1 mailbox unavailable"
      case .data552: "552 5.3.4 message too big"
      case .hangInData: "did not answer in time"
      case .certificateForAnotherHost: "certificate"
      case .untrustedCertificate: "certificate"
      case .startTLSNotOffered: "STARTTLS"
      }
    }

    static let email = "ann@example.com"

    /// The faulty server (nil: a closed port) and the client's extra settings.
    func server() throws -> (SMTPTestServer?, [String: String]) {
      let tls: [String: String] = [
        "MAIL_SERVER": "localhost", "MAIL_USE_TLS": "true",
        "MAIL_TLS_CA_FILE": TestCertificates.shared.caPath,
      ]
      switch self {
      case .connectionRefused: return (nil, [:])
      case .greeting421: return (try SMTPTestServer(.init(faults: .init(greeting421: true))), [:])
      case .rcpt451:
        return (try SMTPTestServer(.init(faults: .init(rcptReplies: [Self.email: 451]))), [:])
      case .rcpt550:
        return (try SMTPTestServer(.init(faults: .init(rcptReplies: [Self.email: 550]))), [:])
      case .data552: return (try SMTPTestServer(.init(faults: .init(dataReply: 552))), [:])
      case .hangInData:
        return (try SMTPTestServer(.init(faults: .init(hangInData: true))), ["MAIL_TIMEOUT": "2s"])
      case .certificateForAnotherHost:
        return (
          try SMTPTestServer(.init(tls: .startTLS, certificate: TestCertificates.shared.otherHost)),
          tls
        )
      case .untrustedCertificate:
        return (
          try SMTPTestServer(
            .init(tls: .startTLS, certificate: TestCertificates.shared.selfSigned)),
          tls
        )
      case .startTLSNotOffered:
        return (
          try SMTPTestServer(
            .init(tls: .startTLS, username: "mailer", password: "pw", offerStartTLS: false)),
          tls.merging(["MAIL_USERNAME": "mailer", "MAIL_PASSWORD": "pw"]) { $1 }
        )
      }
    }
  }

  @Test(arguments: Fault.allCases)
  func faultThenFlush(fault: Fault) throws {
    let email = Fault.email
    let (faulty, extra) = try fault.server()
    let walk = try Walk()
    walk.useServer(port: try faulty?.port ?? closedPort(), extra)

    // register: the account is created and the command succeeds, with a warning.
    let reg = try walk.run(["register", email])
    #expect(
      reg.stderr.contains(fault.temporary ? "stays queued" : "the server refused the mail"),
      "\(reg.stderr)")
    #expect(try walk.count("SELECT count(*) FROM users WHERE email = ?1", [.text(email)]) == 1)
    // recover (the account confirmed by the operator, which mails nothing): the code row is
    // committed whatever happens to the mail.
    try walk.run(["users", "confirm", email])
    let rec = try walk.run(["recover", email])
    #expect(
      rec.stdout.contains("reset token and code queued for"), "not delivered now: \(rec.stdout)")
    #expect(try walk.count("SELECT count(*) FROM codes") == 1)

    let rows = try walk.outbox()
    try #require(rows.count == 2)
    for row in rows {
      #expect(row.status == (fault.temporary ? "queued" : "failed"), "\(row)")
      #expect(row.attempts == 1)
      #expect(
        (row.body != nil) == fault.temporary,
        "kept for the retry; a failed one forgets it (issue 11, property 10)")
      #expect(row.lastError?.contains(fault.error) == true, "\(fault): \(row.lastError ?? "nil")")
      if fault.temporary {
        #expect(isInTheFuture(row.nextAttemptAt), "backoff: \(row.nextAttemptAt)")
      }
    }
    if let faulty {
      #expect(try faulty.received().isEmpty, "nothing reached the mailbox")
      if fault == .startTLSNotOffered {
        #expect(try faulty.sawAuth == false, "never AUTH in clear")
      }
    }

    // mail queue lists both, with the server's reply.
    let before = try walk.queueJSON()
    #expect(before.count == 2)
    for (object, row) in zip(before, rows) {
      #expect((object["id"] as? NSNumber)?.int64Value == row.id)
      #expect(object["to"] as? String == email)
      #expect(object["subject"] as? String == row.subject)
      #expect(object["status"] as? String == row.status)
      #expect((object["attempts"] as? NSNumber)?.intValue == 1)
      #expect((object["last_error"] as? String)?.contains(fault.error) == true)
    }

    // A good server: plain flush leaves the backed-off messages alone (75 while some are
    // still deferred); flush --all delivers each queued message exactly once.
    let good = try SMTPTestServer()
    walk.useServer(good)
    let flush = try walk.run(["mail", "flush"], expect: fault.temporary ? 75 : 0)
    #expect(flush.stdout.contains("delivered 0"), "\(flush.stdout)")
    #expect(try good.received().isEmpty)
    let all = try walk.run(["mail", "flush", "--all"])
    #expect(all.stdout.contains("delivered \(fault.temporary ? 2 : 0)"), "\(all.stdout)")
    try walk.run(["mail", "flush", "--all"])
    let counts = try messageIDCounts(good)
    if fault.temporary {
      #expect(counts == Dictionary(uniqueKeysWithValues: rows.map { ($0.messageID, 1) }))
      let delivered = try good.received()
      #expect(delivered.map(\.subject) == ["Confirm your account", "Reset your password"])
      #expect(Walk.line("Token", in: delivered[0].body ?? "") != nil)
      #expect(Walk.line("Code", in: delivered[1].body ?? "") != nil)
      #expect(
        try walk.outbox().allSatisfy {
          $0.status == "sent" && $0.body == nil && $0.lastError == nil
        })
      #expect(try walk.outbox().map(\.attempts) == [2, 2])
      #expect(try walk.queueJSON().isEmpty)
    } else {
      #expect(counts.isEmpty, "a failed message is not retried")
      let after = try walk.queueJSON()
      #expect(after.map { $0["status"] as? String } == ["failed", "failed"])
    }
    try walk.run(["mail", "flush"])
  }

  /// Several faults over one database: every queued message is delivered once by one flush,
  /// the failed ones stay failed, and `mail flush` exits 0 once nothing is left.
  @Test func manyQueuedThenOneFlush() throws {
    let walk = try Walk()
    let port = try closedPort()
    walk.useServer(port: port)
    for i in 0..<3 { try walk.run(["register", "q\(i)@example.com"]) }
    let refusing = try SMTPTestServer(
      .init(faults: .init(rcptReplies: ["bad@example.com": 550, "later@example.com": 451])))
    walk.useServer(refusing)
    try walk.run(["register", "bad@example.com"])
    try walk.run(["register", "later@example.com"])
    try walk.run(["register", "fine@example.com"])
    #expect(try refusing.received().map(\.rcptTos) == [["fine@example.com"]])
    var rows = try walk.outbox()
    #expect(rows.map(\.status) == ["queued", "queued", "queued", "failed", "queued", "sent"])
    #expect(try walk.count("SELECT count(*) FROM users") == 6)

    let good = try SMTPTestServer()
    walk.useServer(good)
    try walk.run(["mail", "flush"], expect: 75)
    let flushed = try walk.run(["mail", "flush", "--all"])
    #expect(flushed.stdout.hasPrefix("delivered 4"), "\(flushed.stdout)")
    rows = try walk.outbox()
    #expect(rows.map(\.status) == ["sent", "sent", "sent", "failed", "sent", "sent"])
    let ids = rows.filter {
      $0.recipient != "bad@example.com" && $0.recipient != "fine@example.com"
    }
    .map(\.messageID)
    #expect(try messageIDCounts(good) == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
    try walk.run(["mail", "flush"])
    try walk.run(["mail", "flush", "--all"])
    #expect(try good.received().count == 4)
  }
}

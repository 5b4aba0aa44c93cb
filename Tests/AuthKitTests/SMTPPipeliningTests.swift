import AuthKit
import Foundation
import TestSupport
import Testing

/// `SMTPClient.run` with and without PIPELINING (RFC 2920) against aiosmtpd: every failure a
/// transaction met one command at a time it meets pipelined too — per-recipient refusals, 4xx
/// and 5xx at each stage, a dropped connection, a timeout — and each result comes in order.
@Suite(.tags(.slow)) struct SMTPPipeliningTests {
  /// What `run` reported for one transaction: its recipient and the final reply code or error.
  struct Outcome: Equatable, CustomStringConvertible {
    var to: String
    var code: Int?
    var stage: SMTPStage?
    var error: String?

    var description: String {
      "\(to): \(code.map(String.init) ?? "-") \(stage?.rawValue ?? "") \(error ?? "")"
    }
  }

  /// Runs one transaction per recipient (sender `from`), over one connection; returns each
  /// result in the order given and the transcript.
  static func run(
    _ server: SMTPTestServer, to recipients: [String], from: [String: String] = [:],
    timeout: Int64 = 10
  ) throws -> (outcomes: [Outcome], transcript: [String]) {
    var transcript: [String] = []
    let client = SMTPClient(settings: smtpSettings(server, timeout: timeout, debug: true)) {
      transcript.append($0)
    }
    try client.connect()
    defer { client.quit() }
    var queue = recipients
    var outcomes: [Outcome] = []
    try client.run {
      guard !queue.isEmpty else { return nil }
      let to = queue.removeFirst()
      let m = sampleMessage(from: from[to] ?? "noreply@example.com", to: to, subject: to)
      return SMTPTransaction(from: m.from, to: [to], message: try m.render())
    } result: { t, result in
      switch result {
      case .success(let reply): outcomes.append(Outcome(to: t.to[0], code: reply.code))
      case .failure(.rejected(let stage, let reply)):
        outcomes.append(Outcome(to: t.to[0], code: reply.code, stage: stage))
      case .failure(let error): outcomes.append(Outcome(to: t.to[0], error: error.message))
      }
    }
    return (outcomes, transcript)
  }

  static let recipients = (1...5).map { "user\($0)@example.com" }

  /// Five messages: every command after the first envelope arrives pipelined, one write per
  /// message; no RSET between delivered messages; every message arrives, in order.
  @Test(arguments: [true, false])
  func deliversInOrder(pipelining: Bool) throws {
    let server = try SMTPTestServer(.init(pipelining: pipelining))
    let (outcomes, transcript) = try Self.run(server, to: Self.recipients)
    #expect(outcomes == Self.recipients.map { Outcome(to: $0, code: 250) })
    #expect(try server.received().map(\.subject) == Self.recipients)
    #expect(try server.resets == 0)
    #expect(!transcript.contains("C: RSET"))
    if pipelining {
      // MAIL and RCPT of each message arrive with what follows them.
      #expect(try server.pipelinedCommands >= 2 * Self.recipients.count, "\(transcript)")
    } else {
      #expect(try server.pipelinedCommands == 0)
    }
  }

  /// A 4xx or 5xx at RCPT TO for the middle message: it alone is refused (with the reply and
  /// stage), the DATA answer that follows it is consumed, RSET clears the open transaction,
  /// and the messages around it arrive.
  @Test(arguments: [(451, true), (550, true), (451, false), (550, false)])
  func recipientRefusedMidPipeline(code: Int, pipelining: Bool) throws {
    let server = try SMTPTestServer(
      .init(pipelining: pipelining, faults: .init(rcptReplies: ["user3@example.com": code])))
    let (outcomes, _) = try Self.run(server, to: Self.recipients)
    var expected = Self.recipients.map { Outcome(to: $0, code: 250) }
    expected[2] = Outcome(to: "user3@example.com", code: code, stage: .rcptTo)
    #expect(outcomes == expected)
    #expect(
      try server.received().map(\.subject)
        == ["user1@example.com", "user2@example.com", "user4@example.com", "user5@example.com"])
    #expect(try server.resets == 1, "RSET once, after the refused transaction")
  }

  /// A sender refused at MAIL FROM (5xx) or at RCPT TO (Postfix's delayed 553): that message
  /// is refused at that stage with the server's text; the others arrive.
  @Test(arguments: [true, false])
  func senderRefusedMidPipeline(pipelining: Bool) throws {
    let server = try SMTPTestServer(
      .init(
        pipelining: pipelining,
        faults: .init(
          mailFromReplies: ["bad@example.com": 550], rcptSenderReplies: ["late@example.com": 553])))
    let (outcomes, _) = try Self.run(
      server, to: Self.recipients,
      from: ["user2@example.com": "bad@example.com", "user4@example.com": "late@example.com"])
    #expect(outcomes.map(\.code) == [250, 550, 250, 553, 250])
    #expect(outcomes.map(\.stage) == [nil, .mailFrom, nil, .rcptTo, nil])
    #expect(try server.received().count == 3)
    #expect(try server.rcptSenderRefusals == 1)
  }

  /// 552 at the end of DATA: that message alone is refused; the next envelope, sent with its
  /// content, goes on without RSET (the end of DATA cleared the transaction).
  @Test(arguments: [true, false])
  func refusedAtEndOfData(pipelining: Bool) throws {
    let server = try SMTPTestServer(.init(pipelining: pipelining, faults: .init(dataReply: 552)))
    let (outcomes, _) = try Self.run(server, to: Array(Self.recipients.prefix(3)))
    #expect(outcomes.map(\.code) == [552, 552, 552])
    #expect(outcomes.allSatisfy { $0.stage == .endOfData })
    #expect(try server.resets == 0)
  }

  /// The server drops the connection when MAIL FROM arrives: the first message reports the
  /// broken connection and nothing else is tried.
  @Test(arguments: [true, false])
  func connectionDroppedAfterMailFrom(pipelining: Bool) throws {
    let server = try SMTPTestServer(
      .init(pipelining: pipelining, faults: .init(dropAfterMailFrom: true)))
    let (outcomes, _) = try Self.run(server, to: Self.recipients)
    #expect(outcomes.count == 1, "\(outcomes)")
    #expect(outcomes.first?.to == "user1@example.com")
    #expect(outcomes.first?.error?.contains("closed") == true, "\(outcomes)")
    #expect(try server.received().isEmpty)
  }

  /// The server never answers the end of DATA: the first message times out, the next (whose
  /// envelope went with its content) has no result, and the call returns within the timeout.
  @Test(arguments: [true, false])
  func timeoutAtEndOfData(pipelining: Bool) throws {
    let server = try SMTPTestServer(.init(pipelining: pipelining, faults: .init(hangInData: true)))
    let start = Date()
    let (outcomes, _) = try Self.run(server, to: Self.recipients, timeout: 2)
    #expect(outcomes.count == 1)
    #expect(outcomes.first?.error?.contains("did not answer in time (endOfData)") == true)
    #expect(Date().timeIntervalSince(start) < 8)
  }

  /// 8-bit text goes as an `8bit` body with `BODY=8BITMIME` when the server offers 8BITMIME,
  /// else quoted-printable; both decode to the same text.
  @Test(arguments: [true, false])
  func eightBitBody(offered: Bool) throws {
    let server = try SMTPTestServer(.init(eightBitMIME: offered))
    var transcript: [String] = []
    let client = SMTPClient(settings: smtpSettings(server, debug: true)) { transcript.append($0) }
    try client.connect()
    #expect(client.offers8BitMIME == offered)
    let body = "Grüße ✓\nToken: " + String(repeating: "é", count: 300) + "\n"
    let m = sampleMessage(body: body)
    try client.send(from: m.from, to: [m.to], message: m.render(eightBit: client.offers8BitMIME))
    client.quit()
    let got = try #require(try server.received().first)
    #expect(got.body == expectedText(body))
    #expect(got.header("Content-Transfer-Encoding") == (offered ? "8bit" : "quoted-printable"))
    #expect(
      transcript.contains("C: MAIL FROM:<\(m.from)>\(offered ? " BODY=8BITMIME" : "")"),
      "\(transcript)")
  }
}

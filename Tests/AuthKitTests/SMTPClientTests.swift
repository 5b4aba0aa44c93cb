import AuthKit
import Foundation
import TestSupport
import Testing

/// The client against a real server (aiosmtpd), each message decoded by Python's `email`.
@Suite(.tags(.slow)) struct SMTPClientTests {
  @Test func plainDelivery() throws {
    let server = try SMTPTestServer()
    let message = sampleMessage()
    let replies = try deliver(smtpSettings(server), [message])
    #expect(replies.first?.code == 250)
    let got = try server.received()
    try #require(got.count == 1)
    #expect(got[0].mailFrom == message.from)
    #expect(got[0].rcptTos == [message.to])
    #expect(got[0].subject == "Hello")
    #expect(got[0].from == message.from)
    #expect(got[0].to == message.to)
    #expect(got[0].body == message.body)
    #expect(got[0].tls == false)
    #expect(got[0].header("Auto-Submitted") == "auto-generated")
    #expect(got[0].header("Message-ID") == "<0123abcd@example.com>")
    #expect(got[0].header("Date") == "Tue, 25 Nov 2025 12:00:00 +0000")
  }

  @Test func trickyBodyAndUTF8ArriveExactly() throws {
    let server = try SMTPTestServer()
    let long = String(repeating: "0123456789", count: 200)
    let body = ".\n..\n.x\n\(long)\nÜnïcødé ✓ 日本語 🎉\nFrom the start\n= sign =3D\ntrailing space \n"
    let subject = "Grüße — 日本語 ✓ " + String(repeating: "é", count: 60)
    try deliver(smtpSettings(server), [sampleMessage(subject: subject, body: body)])
    let got = try server.received()
    try #require(got.count == 1)
    #expect(got[0].subject == subject)
    #expect(got[0].body == expectedText(body))
  }

  @Test func startTLS() throws {
    let server = try SMTPTestServer(.init(tls: .startTLS))
    let client = SMTPClient(settings: smtpSettings(server, host: "localhost", security: .startTLS))
    try client.connect()
    #expect(client.isEncrypted)
    try client.send(from: "a@example.com", to: ["b@example.com"], message: sampleMessage().render())
    client.quit()
    #expect(try server.received().first?.tls == true)
  }

  @Test func implicitTLS() throws {
    let server = try SMTPTestServer(.init(tls: .implicit))
    try deliver(smtpSettings(server, security: .implicitTLS), [sampleMessage()])
    let got = try server.received()
    #expect(got.count == 1 && got[0].tls && got[0].subject == "Hello")
  }

  @Test(arguments: ["PLAIN", "LOGIN"])
  func authentication(mechanism: String) throws {
    let server = try SMTPTestServer(
      .init(
        tls: .startTLS, authRequired: true, username: "mailer", password: "s3cret-pw",
        authMechanisms: [mechanism]))
    var transcript: [String] = []
    let settings = smtpSettings(
      server, security: .startTLS, username: "mailer", password: "s3cret-pw", debug: true)
    let client = SMTPClient(settings: settings) { transcript.append($0) }
    try client.connect()
    try client.send(from: "a@example.com", to: ["b@example.com"], message: sampleMessage().render())
    client.quit()
    #expect(try server.sawAuth)
    #expect(try server.received().count == 1)
    let all = transcript.joined(separator: "\n")
    #expect(all.contains("C: AUTH \(mechanism)"))
    #expect(!all.contains("s3cret-pw"))
    #expect(!all.contains(Data("\u{0}mailer\u{0}s3cret-pw".utf8).base64EncodedString()))
    #expect(!all.contains(Data("s3cret-pw".utf8).base64EncodedString()))
    #expect(!all.contains("Code: 123456"), "message content stays out of the transcript")
  }

  @Test func wrongPasswordIsPermanent() throws {
    let server = try SMTPTestServer(
      .init(tls: .startTLS, authRequired: true, username: "mailer", password: "right"))
    let error = mailError {
      try deliver(
        smtpSettings(server, security: .startTLS, username: "mailer", password: "wrong"),
        [sampleMessage()])
    }
    guard case .rejected(.auth, let reply) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(reply.code == 535)
    #expect(error?.isTemporary == false)
    #expect(error?.message.contains("wrong") == false)
  }

  @Test func plaintextAuthWhenAllowed() throws {
    let server = try SMTPTestServer(.init(authRequired: true, username: "u", password: "p"))
    try deliver(
      smtpSettings(server, username: "u", password: "p", allowPlaintextAuth: true),
      [sampleMessage()])
    #expect(try server.received().count == 1)
  }

  @Test func severalMessagesOverOneConnection() throws {
    let server = try SMTPTestServer()
    var transcript: [String] = []
    let client = SMTPClient(settings: smtpSettings(server, debug: true)) {
      transcript.append($0)
    }
    try client.connect()
    for n in 1...3 {
      let m = sampleMessage(to: "user\(n)@example.com", subject: "Message \(n)")
      try client.send(from: m.from, to: [m.to], message: m.render())
    }
    client.quit()
    let got = try server.received()
    #expect(got.map(\.subject) == ["Message 1", "Message 2", "Message 3"])
    #expect(
      got.map(\.rcptTos) == [["user1@example.com"], ["user2@example.com"], ["user3@example.com"]])
    #expect(try server.connections == 1)
    // The end of DATA clears each transaction (RFC 5321 §4.1.1.4): no RSET between them
    // (SMTPPipeliningTests: RSET after a refused one).
    #expect(transcript.filter { $0 == "C: RSET" }.count == 0)
    #expect(try server.resets == 0)
    #expect(transcript.contains("C: QUIT"))
  }

  @Test func noTranscriptWithoutDebug() throws {
    let server = try SMTPTestServer()
    var transcript: [String] = []
    let client = SMTPClient(settings: smtpSettings(server)) { transcript.append($0) }
    try client.connect()
    try client.send(from: "a@example.com", to: ["b@example.com"], message: sampleMessage().render())
    client.quit()
    #expect(transcript.isEmpty)
  }

  @Test func heloFallback() throws {
    let server = try SMTPTestServer(.init(faults: .init(refuseEHLO: true)))
    var transcript: [String] = []
    let client = SMTPClient(settings: smtpSettings(server, debug: true)) {
      transcript.append($0)
    }
    try client.connect()
    try client.send(from: "a@example.com", to: ["b@example.com"], message: sampleMessage().render())
    client.quit()
    #expect(transcript.contains("C: HELO client.test"))
    #expect(try server.received().count == 1)
  }

  @Test func replyCallbackSeesEachStage() throws {
    let server = try SMTPTestServer()
    var stages: [SMTPStage] = []
    let client = SMTPClient(settings: smtpSettings(server))
    client.onReply = { stage, _ in stages.append(stage) }
    try client.connect()
    try client.send(from: "a@example.com", to: ["b@example.com"], message: sampleMessage().render())
    client.quit()
    #expect(stages == [.greeting, .ehlo, .mailFrom, .rcptTo, .data, .endOfData, .quit])
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// Each server fault gives the expected `MailError` case and `isTemporary`.
@Suite(.tags(.slow)) struct SMTPFaultTests {
  @Test func connectionRefused() throws {
    let server = try SMTPTestServer()
    let settings = smtpSettings(server)
    server.stop()  // nobody listens on the port any more
    let error = mailError { try deliver(settings, [sampleMessage()]) }
    guard case .connect(let text) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(text.contains("refused"))
    #expect(error?.isTemporary == true)
  }

  @Test func greeting421() throws {
    let server = try SMTPTestServer(.init(faults: .init(greeting421: true)))
    let error = mailError { try deliver(smtpSettings(server), [sampleMessage()]) }
    guard case .rejected(.greeting, let reply) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(reply.code == 421)
    #expect(error?.isTemporary == true)
  }

  @Test(arguments: [(451, true), (550, false)])
  func recipientRefused(code: Int, temporary: Bool) throws {
    let server = try SMTPTestServer(.init(faults: .init(rcptReplies: ["ann@example.com": code])))
    let error = mailError { try deliver(smtpSettings(server), [sampleMessage()]) }
    guard case .rejected(.rcptTo, let reply) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(reply.code == code)
    #expect(error?.isTemporary == temporary)
    #expect(try server.received().isEmpty)
  }

  @Test func senderRefused() throws {
    let server = try SMTPTestServer(
      .init(faults: .init(mailFromReplies: ["noreply@example.com": 550])))
    let error = mailError { try deliver(smtpSettings(server), [sampleMessage()]) }
    guard case .rejected(.mailFrom, let reply) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(reply.code == 550 && error?.isTemporary == false)
  }

  @Test func refusedAtEndOfData() throws {
    let server = try SMTPTestServer(.init(faults: .init(dataReply: 552)))
    let error = mailError { try deliver(smtpSettings(server), [sampleMessage()]) }
    guard case .rejected(.endOfData, let reply) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(reply.code == 552 && error?.isTemporary == false)
  }

  @Test func serverStopsAnsweringMidData() throws {
    let server = try SMTPTestServer(.init(faults: .init(hangInData: true)))
    let start = Date()
    let error = mailError { try deliver(smtpSettings(server, timeout: 2), [sampleMessage()]) }
    guard case .timeout(.endOfData) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(error?.isTemporary == true)
    #expect(Date().timeIntervalSince(start) < 8)
  }

  @Test(arguments: [SMTPSettings.Security.startTLS, .implicitTLS])
  func certificateForAnotherHost(security: SMTPSettings.Security) throws {
    let server = try SMTPTestServer(
      .init(
        tls: security == .startTLS ? .startTLS : .implicit,
        certificate: TestCertificates.shared.otherHost))
    let error = mailError {
      try deliver(smtpSettings(server, host: "localhost", security: security), [sampleMessage()])
    }
    guard case .tls(let text) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(text.contains("hostname mismatch"))
    #expect(error?.isTemporary == false)
    #expect(try server.received().isEmpty)
  }

  @Test func untrustedCertificate() throws {
    let server = try SMTPTestServer(
      .init(tls: .implicit, certificate: TestCertificates.shared.selfSigned))
    let error = mailError {
      try deliver(smtpSettings(server, security: .implicitTLS), [sampleMessage()])
    }
    guard case .tls(let text) = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(text.contains("certificate verify failed"))
    #expect(error?.isTemporary == false)
  }

  @Test func trustComesFromCAFile() throws {
    let server = try SMTPTestServer(.init(tls: .implicit))
    var settings = smtpSettings(server, security: .implicitTLS)
    settings.caFile = nil
    let error = mailError { try deliver(settings, [sampleMessage()]) }
    guard case .tls = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
  }

  @Test func startTLSNotOfferedNeverSendsAuth() throws {
    let server = try SMTPTestServer(
      .init(
        tls: .startTLS, authRequired: true, username: "u", password: "p", offerStartTLS: false))
    let error = mailError {
      try deliver(
        smtpSettings(server, security: .startTLS, username: "u", password: "p"), [sampleMessage()])
    }
    guard case .startTLSUnavailable = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(error?.isTemporary == false)
    #expect(try server.sawAuth == false)
    #expect(try server.received().isEmpty)
  }

  @Test func startTLSRefusedNeverContinuesInClear() throws {
    let server = try SMTPTestServer(
      .init(
        tls: .startTLS, authRequired: true, username: "u", password: "p",
        faults: .init(refuseStartTLS: true)))
    let error = mailError {
      try deliver(
        smtpSettings(server, security: .startTLS, username: "u", password: "p"), [sampleMessage()])
    }
    guard case .startTLSUnavailable = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(try server.sawAuth == false)
    #expect(try server.received().isEmpty)
  }

  @Test func plaintextAuthRefused() throws {
    let server = try SMTPTestServer(.init(authRequired: true, username: "u", password: "p"))
    let error = mailError {
      try deliver(smtpSettings(server, username: "u", password: "p"), [sampleMessage()])
    }
    guard case .plaintextAuthRefused = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(error?.isTemporary == false)
    #expect(try server.sawAuth == false)
  }

  @Test func unresolvableHost() {
    let settings = SMTPSettings(host: "no-such-host.invalid", port: 25, timeout: 2)
    let error = mailError { try SMTPClient(settings: settings).connect() }
    guard case .connect = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
    #expect(error?.isTemporary == true)
  }

  @Test func injectionInEnvelopeRefused() throws {
    let server = try SMTPTestServer()
    let client = SMTPClient(settings: smtpSettings(server))
    try client.connect()
    defer { client.quit() }
    let error = mailError {
      try client.send(from: "a@example.com", to: ["b@example.com>\r\nRCPT TO:<c@x"], message: [])
    }
    guard case .headerInjection = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
  }
}

import COpenSSL
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AuthKit

/// The OpenSSL client context: one per process and CA file, shared by every connection; its
/// failures carry OpenSSL's error queue as typed entries and leave the queue empty.
@Suite struct TLSContextTests {
  /// A CA file whose PEM block is not base64: PEM (bad base64 decode), then X509 (PEM lib).
  @Test func badPEMInCAFileGivesTypedStack() throws {
    let dir = try TempDir("authctl-tls")
    let path = dir.file("bad-ca.pem")
    try Data("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".utf8)
      .write(to: URL(fileURLWithPath: path))
    var caught: OpenSSLError?
    do {
      _ = try TLSContext(caFile: path)
    } catch {
      caught = error
    }
    let error = try #require(caught)
    #expect(error.context == "cannot load CA file \(path)")
    try #require(error.stack.count >= 2)
    #expect(error.stack[0].library == ERR_LIB_PEM)
    #expect(error.stack[0].reason == PEM_R_BAD_BASE64_DECODE)
    #expect(error.stack[0].text.contains("bad base64 decode"))
    #expect(error.stack.contains { $0.library == ERR_LIB_X509 })
    #expect(error.description.hasPrefix("cannot load CA file \(path): error:"))
    #expect(error.description.contains("; "))
    #expect(ERR_peek_error() == 0)  // drained: nothing left for the next OpenSSL user
  }

  /// The same failure through the mail client: a TLS error naming the file and OpenSSL's text,
  /// not kept, so a CA file fixed meanwhile is read again.
  @Test func failedContextIsNotCached() throws {
    let dir = try TempDir("authctl-tls")
    let path = dir.file("ca.pem")
    try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try TLSContext.shared(caFile: path)
    } throws: { error in
      guard case .tls(let text) = error as? MailError else { return false }
      return text.contains("cannot load CA file \(path)")
        && text.contains("no certificate or crl found")
    }
    try FileManager.default.copyItem(atPath: TestCertificates.shared.caPath, toPath: path + ".ok")
    try FileManager.default.removeItem(atPath: path)
    try FileManager.default.moveItem(atPath: path + ".ok", toPath: path)
    let context = try TLSContext.shared(caFile: path)
    #expect(try TLSContext.shared(caFile: path) === context)
  }

  /// Two connections in one process use the one context; another CA file gets its own.
  @Test func contextIsReusedAcrossConnections() throws {
    let server = try SMTPTestServer(.init(tls: .implicit))
    let settings = smtpSettings(server, security: .implicitTLS)
    let first = SMTPClient(settings: settings)
    let second = SMTPClient(settings: settings)
    try first.connect()
    defer { first.quit() }
    try second.connect()
    defer { second.quit() }
    let a = try #require(first.connection?.tls?.context)
    let b = try #require(second.connection?.tls?.context)
    #expect(a === b)
    #expect(try TLSContext.shared(caFile: settings.caFile) === a)
    #expect(try TLSContext.shared(caFile: nil) !== a)
    #expect(try TLSContext.shared(caFile: nil) === TLSContext.shared(caFile: ""))
  }

  /// Threads asking at once all get the same context.
  @Test func sharedIsThreadSafe() throws {
    let caFile = TestCertificates.shared.caPath
    let contexts = Mutex<Set<ObjectIdentifier>>([])
    DispatchQueue.concurrentPerform(iterations: 16) { _ in
      if let context = try? TLSContext.shared(caFile: caFile) {
        contexts.withLock { _ = $0.insert(ObjectIdentifier(context)) }
      }
    }
    #expect(contexts.withLock { $0.count } == 1)
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

/// The HTTPS/1.1 client against a real server (Python's http.server over ssl, certificates of
/// the test CA): the three ways a body is framed, certificate and host checks, the deadline,
/// bounds, and what it refuses to send.
@Suite(.tags(.slow)) struct HTTPClientTests {
  static let ca = TestCertificates.shared.caPath

  func client(timeout: Int64 = 5, maxBody: Int = 1 << 20) -> HTTPClient {
    HTTPClient(caFile: Self.ca, timeout: timeout, maxBody: maxBody)
  }

  func address(_ server: HTTPSTestServer, _ path: String = "/x", host: String = "localhost")
    throws(HTTPError) -> HTTPSAddress
  {
    try HTTPSAddress("https://\(host):\(server.port)\(path)")
  }

  /// The name of an error's case (`tls`, `timeout`…), or nil.
  func kind(_ e: HTTPError?) -> String? { e.map { String("\($0)".prefix { $0 != "(" }) } }

  /// The error `body` throws, or nil.
  func failure(_ body: () throws -> HTTPResponse) -> HTTPError? {
    do {
      _ = try body()
      return nil
    } catch {
      return error as? HTTPError
    }
  }

  @Test func getSendsItsHeadersAndReadsAContentLengthBody() throws {
    let server = try HTTPSTestServer(.init(mode: .echo))
    let r = try client().get(try address(server, "/a/b?c=1"), headers: [("X-Test", "yes")])
    #expect(r.status == 200 && r.reason == "OK")
    #expect(r.header("content-type") == "text/plain" && r.header("Content-Length") != nil)
    let echo = try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
    #expect(echo["method"] as? String == "GET" && echo["path"] as? String == "/a/b?c=1")
    let headers = Dictionary(
      (echo["headers"] as! [[String]]).map { ($0[0].lowercased(), $0[1]) },
      uniquingKeysWith: { a, _ in a })
    #expect(headers["host"] == "localhost:\(server.port)")
    #expect(headers["user-agent"] == "authctl/\(authctlVersion)")
    #expect(headers["connection"] == "close" && headers["x-test"] == "yes")
  }

  @Test func chunkedBodyWithExtensionsAndTrailers() throws {
    let body = String(repeating: "chunked body ✓ ", count: 40)
    let server = try HTTPSTestServer(.init(mode: .status, chunked: true, status: 200, body: body))
    let r = try client().get(try address(server))
    #expect(r.header("Transfer-Encoding") == "chunked")
    #expect(String(decoding: r.body, as: UTF8.self) == body)
  }

  @Test func bodyEndingWithTheConnection() throws {
    let server = try HTTPSTestServer(
      .init(mode: .status, closeDelimited: true, status: 503, body: "later"))
    let r = try client().get(try address(server))
    #expect(r.status == 503 && String(decoding: r.body, as: UTF8.self) == "later")
  }

  @Test func postCarriesItsBody() throws {
    let server = try HTTPSTestServer(.init(mode: .echo))
    let r = try client().send(
      "POST", try address(server, "/send"), headers: [("Content-Type", "text/plain")],
      body: Array("chat_id=1&text=hi".utf8))
    let echo = try JSONSerialization.jsonObject(with: Data(r.body)) as! [String: Any]
    #expect(echo["method"] as? String == "POST" && echo["body"] as? String == "chat_id=1&text=hi")
  }

  @Test func anIPLiteralIsCheckedAgainstTheCertificatesAddress() throws {
    let server = try HTTPSTestServer(.init(mode: .status, status: 204))
    #expect(try client().get(try address(server, host: "127.0.0.1")).status == 204)
  }

  @Test func untrustedCertificateWrongHostAndNoCAFileAreRefused() throws {
    let selfSigned = try HTTPSTestServer(
      .init(mode: .echo, certificate: TestCertificates.shared.selfSigned))
    let e1 = failure { try client().get(try address(selfSigned)) }
    guard case .tls(let text)? = e1 else {
      Issue.record("a self-signed certificate: \(String(describing: e1))")
      return
    }
    #expect(text.contains("certificate verify failed"), "\(text)")
    let other = try HTTPSTestServer(
      .init(mode: .echo, certificate: TestCertificates.shared.otherHost))
    let e2 = failure { try client().get(try address(other)) }
    #expect(kind(e2) == "tls", "another host's certificate: \(String(describing: e2))")
    let good = try HTTPSTestServer(.init(mode: .echo))
    let system = HTTPClient(caFile: nil, timeout: 5)
    let e3 = failure { try system.get(try address(good)) }
    #expect(kind(e3) == "tls", "the test CA only when given: \(String(describing: e3))")
    #expect(try selfSigned.requests().isEmpty, "no request went over an unverified connection")
  }

  @Test func aServerThatNeverAnswersTimesOut() throws {
    let server = try HTTPSTestServer(.init(mode: .hang))
    let started = Date()
    let e = failure { try client(timeout: 1).get(try address(server)) }
    #expect(e == .timeout("localhost:\(server.port)"), "\(String(describing: e))")
    #expect(Date().timeIntervalSince(started) < 4, "the deadline holds")
    #expect(e?.isTemporary == true)
  }

  @Test func notHTTPUnreachableAndTooLarge() throws {
    let garbage = try HTTPSTestServer(.init(mode: .garbage))
    let e1 = failure { try client().get(try address(garbage)) }
    #expect(kind(e1) == "protocolViolation", "\(String(describing: e1))")
    let big = try HTTPSTestServer(
      .init(mode: .status, status: 200, body: String(repeating: "x", count: 100)))
    let e2 = failure { try client(maxBody: 10).get(try address(big)) }
    #expect(kind(e2) == "tooLarge", "Content-Length: \(String(describing: e2))")
    let bigChunks = try HTTPSTestServer(
      .init(mode: .status, chunked: true, status: 200, body: String(repeating: "x", count: 100)))
    let e3 = failure { try client(maxBody: 10).get(try address(bigChunks)) }
    #expect(kind(e3) == "tooLarge", "chunked: \(String(describing: e3))")
    let port = big.port
    big.stop()
    let e4 = failure { try client().get(try HTTPSAddress("https://127.0.0.1:\(port)/")) }
    #expect(kind(e4) == "connect", "\(String(describing: e4))")
    #expect(e4?.isTemporary == true)
  }

  @Test func aLineBreakInAHeaderIsNeverSent() throws {
    let server = try HTTPSTestServer(.init(mode: .echo))
    let e = failure {
      try client().get(try address(server), headers: [("X-Evil", "a\r\nInjected: yes")])
    }
    #expect(kind(e) == "protocolViolation", "\(String(describing: e))")
    #expect(try server.requests().isEmpty)
  }

  @Test func addresses() throws {
    let a = try HTTPSAddress("https://api.pwnedpasswords.com/range/")
    #expect(a.host == "api.pwnedpasswords.com" && a.port == 443 && a.target == "/range/")
    #expect(a.hostHeader == "api.pwnedpasswords.com")
    #expect(a.appending("ABCDE").target == "/range/ABCDE")
    let b = try HTTPSAddress("https://[::1]:8443?q=1#frag")
    #expect(
      b.host == "::1" && b.port == 8443 && b.target == "/?q=1" && b.hostHeader == "[::1]:8443")
    #expect(try HTTPSAddress("HTTPS://Example.org").target == "/")
    for bad in [
      "http://example.org/", "ftp://x/", "https://user:pw@example.org/", "https://:443/",
      "https://example.org:0/", "https://example.org:99999/", "https://exa mple.org/",
      "https://[::1/", "example.org",
    ] {
      #expect(throws: HTTPError.self, "\(bad)") { try HTTPSAddress(bad) }
    }
  }
}

import Foundation

/// Certificates for TLS tests, made with the `openssl` command in a temporary folder (EC P-256
/// keys, valid two days):
/// - `caPath`: a test CA (trust it through `caFile` / `MAIL_TLS_CA_FILE`);
/// - `localhost`: signed by the CA, for `DNS:localhost` and `IP:127.0.0.1`;
/// - `otherHost`: signed by the CA, for `DNS:mail.example.org` only (host-name mismatch);
/// - `selfSigned`: for localhost and 127.0.0.1 but signed by nobody the client trusts.
public final class TestCertificates: @unchecked Sendable {
  /// A certificate and its private key, as PEM files.
  public struct ServerCertificate: Sendable {
    public var certificatePath: String
    public var keyPath: String
  }

  public let directory: TempDir
  public let caPath: String
  public let localhost: ServerCertificate
  public let otherHost: ServerCertificate
  public let selfSigned: ServerCertificate

  /// One set for the whole test run; its folder is removed when the process exits.
  public static let shared: TestCertificates = {
    do {
      let certificates = try TestCertificates()
      atexit { try? FileManager.default.removeItem(at: TestCertificates.shared.directory.url) }
      return certificates
    } catch {
      fatalError("test certificates: \(error)")
    }
  }()

  /// Makes a new set of certificates; the folder is removed when the value dies.
  public init() throws {
    directory = try TempDir("authctl-certs")
    let dir = directory
    func openssl(_ arguments: [String]) throws {
      let r = try run("/usr/bin/env", ["openssl"] + arguments, directory: dir.url)
      guard r.status == 0 else {
        throw TestSupportError("openssl \(arguments.joined(separator: " ")): \(r.stderr)")
      }
    }
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    caPath = dir.file("ca.pem")
    try openssl(
      ["req", "-x509"] + ec + [
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=authctl test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      ])
    func signed(_ name: String, _ cn: String, _ san: String) throws -> ServerCertificate {
      let ext = dir.file("\(name).ext")
      try Data(
        """
        basicConstraints=CA:FALSE
        keyUsage=critical,digitalSignature
        extendedKeyUsage=serverAuth
        subjectAltName=\(san)

        """.utf8
      ).write(to: URL(fileURLWithPath: ext))
      try openssl(
        ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(cn)"])
      try openssl([
        "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "\(name).pem", "-days", "2", "-extfile", ext,
      ])
      return ServerCertificate(
        certificatePath: dir.file("\(name).pem"), keyPath: dir.file("\(name).key"))
    }
    localhost = try signed("localhost", "localhost", "DNS:localhost,IP:127.0.0.1")
    otherHost = try signed("other", "mail.example.org", "DNS:mail.example.org")
    try openssl(
      ["req", "-x509"] + ec + [
        "-keyout", "self.key", "-out", "self.pem", "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ])
    selfSigned = ServerCertificate(
      certificatePath: dir.file("self.pem"), keyPath: dir.file("self.key"))
  }
}

/// A failure in test setup, with its text.
public struct TestSupportError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Every new password a person chooses — at registration, reset, `passwd`, `users
/// set-password` — is looked up among passwords known from breaches, as NIST SP 800-63B
/// §5.1.1.2 requires, and refused (65) when found: in the offline corpus
/// (`AUTHCTL_BREACHED_FILE`, `BreachCorpus`) and through the range API
/// (`AUTHCTL_BREACHED_API`, `BreachRange`), whichever are set.
///
/// The SHA-1 of the password's NFC form (what authctl hashes) is looked up, and that of the
/// bytes as typed when they differ. A corpus that cannot be used is a configuration error
/// (78). When the API cannot answer, `AUTHCTL_BREACHED_MODE` decides: `required` (the default)
/// refuses for now (75, retry later), `best-effort` warns and accepts.
public struct BreachCheck: Sendable {
  public enum Mode: String, Sendable, CaseIterable {
    case required
    case bestEffort = "best-effort"
  }

  public let file: String?
  public let api: HTTPSAddress?
  public let mode: Mode
  public let client: HTTPClient

  /// Nothing is opened or fetched until a password is checked.
  public init(settings: Settings) {
    file = settings.breachedFile
    api = settings.breachedAPI
    mode = settings.breachedMode
    client = HTTPClient(
      caFile: settings.tlsCAFile, timeout: max(1, settings.httpTimeout.wholeSeconds))
  }

  public var isEnabled: Bool { file != nil || api != nil }

  /// Throws `PasswordRejection.breached` (65) when `password` is known from a breach; a
  /// corpus that cannot be used is a `ConfigError` (78); an API that cannot answer is
  /// `FlowError.tryLater` (75) in `required` mode, a warning through `warn` in `best-effort`.
  public func check(_ password: String, warn: (String) -> Void) throws {
    guard isEnabled else { return }
    let nfc = PasswordPolicy.normalize(password)
    var digests = [Digest.sha1(Array(nfc.utf8))]
    if nfc.utf8.elementsEqual(password.utf8) == false {
      digests.append(Digest.sha1(Array(password.utf8)))
    }
    if let file {
      let corpus: BreachCorpus
      do { corpus = try BreachCorpus(path: file) } catch {
        throw ConfigError(
          name: "AUTHCTL_BREACHED_FILE", source: nil,
          problem: error.detail)
      }
      if digests.contains(where: corpus.contains(sha1:)) { throw PasswordRejection.breached }
    }
    if let api {
      let range = BreachRange(base: api, client: client)
      do {
        for d in digests where try range.contains(sha1: d) { throw PasswordRejection.breached }
      } catch let error as BreachError {
        switch mode {
        case .required:
          throw FlowError.tryLater(
            "cannot check the password against \(error.message); nothing changed: retry later (AUTHCTL_BREACHED_MODE=best-effort accepts it unchecked)"
          )
        case .bestEffort:
          warn(
            "cannot check the password against \(error.message); accepted unchecked (AUTHCTL_BREACHED_MODE=best-effort)"
          )
        }
      }
    }
  }
}

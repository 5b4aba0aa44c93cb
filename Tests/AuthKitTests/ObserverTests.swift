import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AuthKit

/// AuthKit tells an injected `Observer` what it has to say — the env file's warnings, the
/// progress of long work, the SMTP transcript — and writes nothing to stderr itself.
@Suite struct ObserverTests {
  /// Everything it hears, in order.
  final class RecordingObserver: Observer {
    struct Heard {
      var notices: [String] = []
      var warnings: [String] = []
      var transcript: [String] = []
      /// `label: start TOTAL`, `label: N`, `label: working`, `label: finish`.
      var progress: [String] = []
    }
    let heard = Mutex(Heard())

    func notice(_ text: String) { heard.withLock { $0.notices.append(text) } }
    func warn(_ text: String) { heard.withLock { $0.warnings.append(text) } }
    func transcript(_ line: String) { heard.withLock { $0.transcript.append(line) } }
    func progress(_ label: String, total: Int?) -> any ProgressDisplay {
      heard.withLock { $0.progress.append("\(label): start \(total.map(String.init) ?? "-")") }
      return Display(label, self)
    }
    var now: Heard { heard.withLock { $0 } }

    final class Display: ProgressDisplay {
      let label: String
      let observer: RecordingObserver
      init(_ label: String, _ observer: RecordingObserver) {
        self.label = label
        self.observer = observer
      }
      func record(_ what: String) {
        observer.heard.withLock { $0.progress.append("\(label): \(what)") }
      }
      func update(_ done: Int) { record("\(done)") }
      func working() { record("working") }
      func finish() { record("finish") }
    }
  }

  /// What `body` (and anything else in this process meanwhile) wrote to file descriptor 2,
  /// pointed at a file for the duration. It is then written to the real stderr as well, so
  /// nothing another test printed meanwhile is lost.
  static func capturingStandardError(_ body: () throws -> Void) throws -> String {
    let dir = try TempDir("stderr")
    let fd = open(dir.file("stderr"), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    try #require(fd >= 0)
    defer { close(fd) }
    let saved = dup(2)
    try #require(saved >= 0)
    defer { close(saved) }
    try #require(dup2(fd, 2) == 2)
    let outcome = Result { try body() }
    dup2(saved, 2)
    let captured = try Data(contentsOf: URL(fileURLWithPath: dir.file("stderr")))
    captured.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    try outcome.get()
    return String(decoding: captured, as: UTF8.self)
  }

  @Test func warningsProgressAndTranscriptReachTheObserverNotStderr() throws {
    let server = try SMTPTestServer()
    let dir = try TempDir("observer")
    let envFile = dir.file("app.env")
    try "MAIL_DEBUG=true\nthis line cannot be parsed\n".write(
      toFile: envFile, atomically: true, encoding: .utf8)
    let email = "observed-\(UUID().uuidString.lowercased())@example.com"
    let observer = RecordingObserver()
    var registered: Register.Result?
    var imported: ImportResult?
    let stderr = try Self.capturingStandardError {
      let config = try Config(
        environment: [
          "AUTHCTL_DB": dir.file("t.sqlite"), "MAIL_SERVER": "127.0.0.1",
          "MAIL_PORT": "\(server.port)", "AUTHCTL_BCRYPT_COST": "4",
        ], envFile: envFile, observer: observer)
      let store = try SQLiteStore(path: dir.file("t.sqlite"), create: true)
      try store.migrate(
        MigrationContext(
          now: Instant(seconds: 1_764_072_000), randomBytes: { try Random.bytes($0) },
          jwtSecretConfigured: false, notice: { observer.notice($0) }))
      let flows = try FlowContext(
        store: store, settings: config.settings, clock: .fixed(Instant(seconds: 1_764_072_000)),
        observer: observer)
      registered = try Register(flows).run(email, chosenPassword: nil)
      imported = try Import(flows).run(
        ByteSource(
          Array(
            "email,password_hash,activated_at,created_at\na@example.com,,,\nb@example.com,,,\n"
              .utf8)),
        format: .csv, skipExisting: false)
    }
    #expect(registered?.delivery.delivered.count == 1)
    #expect(imported?.imported == 2)
    #expect(try server.received().first?.rcptTos == [email])

    let heard = observer.now
    #expect(
      heard.warnings == [
        "\(envFile):2: cannot parse this line; skipped (as python-dotenv does)"
      ])
    #expect(!heard.notices.isEmpty, "the migration's notice of the generated secret")
    #expect(heard.transcript.contains("C: RCPT TO:<\(email)>"), "\(heard.transcript)")
    #expect(heard.transcript.contains { $0.hasPrefix("S: 250") })
    #expect(heard.progress.first == "delivering: start 1")
    #expect(heard.progress.contains("delivering: finish"))
    // One pass: the import does not know its rows beforehand, and says how many it read.
    #expect(heard.progress.contains("importing: start -"))
    #expect(heard.progress.contains("importing: 2"))
    #expect(heard.progress.last == "importing: finish")

    // Nothing of it on file descriptor 2 (other tests' lines may be there).
    #expect(!stderr.contains(envFile), "\(stderr)")
    #expect(!stderr.contains(email), "\(stderr)")
    #expect(!stderr.contains("cannot parse this line"), "\(stderr)")
  }

  /// The rules behind the observer, over the sources: AuthKit never writes to stderr or exits
  /// (outside its comments), and no source holds a `nonisolated(unsafe)` global.
  @Test func noStderrNoExitNoUnsafeGlobals() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(atPath: sources.path))
      .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    #expect(files.count > 50)
    let forbidden =
      /\b(exit|_exit|abort|fputs|print|putchar)\(|stderr|STDERR_FILENO|standardError|\bwrite(All)?\(2,/
    for file in files {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      #expect(!text.contains("nonisolated(unsafe)"), "\(file)")
      guard file.hasPrefix("AuthKit/") else { continue }
      for line in text.split(separator: "\n") {
        // The code of the line: without its comment and its string literals.
        let code = String(
          line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false)[0]
        ).replacing(/"[^"]*"/, with: "")
        if code.contains(forbidden) {
          Issue.record("\(file): \(line.trimmingCharacters(in: .whitespaces))")
        }
      }
    }
  }
}

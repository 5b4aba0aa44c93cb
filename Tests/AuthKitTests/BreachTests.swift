import AuthKit
import Foundation
import TestSupport
import Testing

/// The breached-password lookups: the memory-mapped corpus over generated sorted files, and the
/// range API against a local HTTPS server speaking its format.
@Suite(.tags(.slow)) struct BreachTests {
  static func settings(_ env: [String: String]) throws -> Settings {
    try Config(environment: env, observer: SilentObserver()).settings
  }

  static func sha1(_ text: String) -> [UInt8] {
    let hex = try! python(
      "import hashlib, sys; print(hashlib.sha1(sys.argv[1].encode()).hexdigest())", [text]
    ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return Hex.decode(hex)!
  }

  /// `count` random digests, sorted, with `extra` among them.
  static func digests(_ count: Int, extra: [[UInt8]] = []) -> [[UInt8]] {
    var all = extra
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<count { all.append((0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    return all.sorted { $0.lexicographicallyPrecedes($1) }
  }

  /// The digest one more or one less than `d` (a neighbour in the sort order).
  static func neighbour(_ d: [UInt8], _ step: Int) -> [UInt8] {
    var out = d
    var i = 19
    while i >= 0 {
      let (v, o) =
        step > 0 ? out[i].addingReportingOverflow(1) : out[i].subtractingReportingOverflow(1)
      out[i] = v
      if !o { break }
      i -= 1
    }
    return out
  }

  func write(
    _ digests: [[UInt8]], _ dir: TempDir, name: String = "corpus.txt", lineEnd: String = "\r\n",
    lower: Bool = false, counts: Bool = true
  ) throws -> String {
    var text = ""
    for (i, d) in digests.enumerated() {
      let hex = lower ? Hex.encode(d) : Hex.encode(d).uppercased()
      text += hex + (counts ? ":\(i % 97 + 1)" : "") + lineEnd
    }
    let path = dir.file(name)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(arguments: ["\r\n", "\n"]) func everyHashIsFoundAndNoNeighbour(lineEnd: String) throws {
    let dir = try TempDir()
    let known = [Self.sha1("correct horse battery staple"), Self.sha1("Tr0ub4dor&3 again!")]
    let all = Self.digests(5000, extra: known)
    for (lower, counts) in [(false, true), (true, true), (false, false)] {
      let corpus = try BreachCorpus(
        path: try write(all, dir, lineEnd: lineEnd, lower: lower, counts: counts))
      let present = Set(all)
      for d in all { #expect(corpus.contains(sha1: d), "\(Hex.encode(d))") }
      for d in all.prefix(300) + all.suffix(300) + known {
        for step in [-1, 1] where !present.contains(Self.neighbour(d, step)) {
          #expect(!corpus.contains(sha1: Self.neighbour(d, step)))
        }
      }
      #expect(!corpus.contains(sha1: [UInt8](repeating: 0, count: 20)))
      #expect(!corpus.contains(sha1: [UInt8](repeating: 0xff, count: 20)))
    }
  }

  /// Interpolation assumes hashes spread evenly; a file that is not (a cluster near 0, a few
  /// near the top) is searched right all the same.
  @Test func aSkewedFileIsSearchedRightToo() throws {
    let dir = try TempDir()
    var all = Self.digests(3000).map { d -> [UInt8] in
      var c = d
      c[0] = 0
      c[1] = 0
      return c
    }
    all += Self.digests(5).map { d in [0xff] + d.dropFirst() }
    all.sort { $0.lexicographicallyPrecedes($1) }
    let corpus = try BreachCorpus(path: try write(all, dir))
    let present = Set(all)
    for d in all { #expect(corpus.contains(sha1: d)) }
    for d in all where !present.contains(Self.neighbour(d, 1)) {
      #expect(!corpus.contains(sha1: Self.neighbour(d, 1)))
    }
    #expect(!corpus.contains(sha1: [0x80] + [UInt8](repeating: 0, count: 19)))
  }

  @Test func aCountOfZeroAnEmptyFileAndBadFiles() throws {
    let dir = try TempDir()
    let d = Self.sha1("zero count password")
    let path = dir.file("zero.txt")
    try (Hex.encode(d).uppercased() + ":0\r\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    #expect(!(try BreachCorpus(path: path).contains(sha1: d)), "a decoy of count 0 never counts")
    let empty = dir.file("empty.txt")
    FileManager.default.createFile(atPath: empty, contents: Data())
    #expect(!(try BreachCorpus(path: empty).contains(sha1: d)))
    let ntlm = dir.file("ntlm.txt")
    try "8846F7EAEE8FB117AD06BDD830B7586C:1\r\n".write(
      toFile: ntlm, atomically: true, encoding: .utf8)
    #expect(throws: BreachError.self, "an NTLM list is not HIBP's SHA-1 list") {
      try BreachCorpus(path: ntlm)
    }
    let open = try write([d], dir, name: "open.txt")
    chmod(open, 0o666)
    #expect(throws: BreachError.self, "a corpus others can write") { try BreachCorpus(path: open) }
    #expect(throws: BreachError.self) { try BreachCorpus(path: dir.file("missing.txt")) }
    #expect(throws: BreachError.self, "a folder") { try BreachCorpus(path: dir.path) }
  }

  @Test func theRangeAPISeesOnlyAPrefixAndAsksForPadding() throws {
    let breached = Self.sha1("correct horse battery staple")
    let other = Self.sha1("a password nobody used before 7f3a")
    for chunked in [false, true] {
      let server = try HTTPSTestServer(
        .init(
          corpus: [Hex.encode(breached).uppercased(): 3_861_493], padding: 800, chunked: chunked))
      let range = BreachRange(
        base: try HTTPSAddress(server.rangeURL),
        client: HTTPClient(caFile: TestCertificates.shared.caPath, timeout: 5))
      #expect(try range.contains(sha1: breached))
      #expect(!(try range.contains(sha1: other)), "800 decoys of count 0 never match")
      let requests = try server.requests()
      #expect(requests.count == 2)
      for (r, d) in zip(requests, [breached, other]) {
        #expect(r.path == "/range/" + Hex.encode(d).uppercased().prefix(5))
        #expect(r.header("Add-Padding") == "true")
      }
    }
  }

  @Test func anAPIThatCannotAnswer() throws {
    let server = try HTTPSTestServer(.init(mode: .status, status: 429, body: "slow down"))
    let range = BreachRange(
      base: try HTTPSAddress(server.rangeURL),
      client: HTTPClient(caFile: TestCertificates.shared.caPath, timeout: 5))
    #expect(throws: BreachError.self) { try range.contains(sha1: Self.sha1("x")) }
  }

  @Test func theModeDecidesWhenTheAPICannotAnswer() throws {
    let server = try HTTPSTestServer(.init(mode: .status, status: 503))
    var env = [
      "AUTHCTL_BREACHED_API": server.rangeURL,
      "AUTHCTL_TLS_CA_FILE": TestCertificates.shared.caPath,
    ]
    let required = try BreachCheck(settings: try Self.settings(env))
    var warnings: [String] = []
    #expect(throws: FlowError.self, "required: refused for now") {
      try required.check("some long fresh passphrase") { warnings.append($0) }
    }
    env["AUTHCTL_BREACHED_MODE"] = "best-effort"
    let lenient = try BreachCheck(settings: try Self.settings(env))
    try lenient.check("some long fresh passphrase") { warnings.append($0) }
    #expect(warnings.count == 1 && warnings[0].contains("accepted unchecked"))
    #expect(throws: ConfigError.self, "an http:// API is refused") {
      try BreachCheck(settings: try Self.settings(["AUTHCTL_BREACHED_API": "http://x/range/"]))
    }
  }

  @Test func theTypedAndTheNFCFormsAreBothLookedUp() throws {
    let dir = try TempDir()
    // "é" decomposed, as typed on some systems; the corpus holds the typed form only.
    let typed = "caf\u{65}\u{301} au lait every morning"
    let path = try write([Self.sha1(typed)], dir)
    let check = try BreachCheck(settings: try Self.settings(["AUTHCTL_BREACHED_FILE": path]))
    #expect(throws: PasswordRejection.breached) { try check.check(typed) { _ in } }
    let nfcPath = try write([Self.sha1("caf\u{e9} au lait every morning")], dir, name: "nfc.txt")
    let nfc = try BreachCheck(settings: try Self.settings(["AUTHCTL_BREACHED_FILE": nfcPath]))
    #expect(throws: PasswordRejection.breached) { try nfc.check(typed) { _ in } }
  }
}

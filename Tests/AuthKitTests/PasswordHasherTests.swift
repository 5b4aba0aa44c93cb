import AuthKit
import TestSupport
import Testing

/// bcrypt through libxcrypt, checked against python bcrypt (Debian python3-bcrypt) both ways,
/// plus shadow hashes. Cost 4 everywhere but the one cost-12 vector.
@Suite struct PasswordHasherTests {
  static let password = "correct horse battery staple"

  /// Made once by python bcrypt 3.2 (`bcrypt.hashpw(pw, bcrypt.gensalt(n, prefix=…))`) and by
  /// `openssl passwd -6` / `-5`.
  static let fixed: [(String, String)] = [
    (password, "$2a$04$I1a.EUe1ziUFvNYN5ZS6iOCXhpGO10i2lUi.EgopgKbI5zXIDVBCq"),
    ("pässwörd ünïcode", "$2b$04$VnoOykWukzJXXE1ySTQ2v.iH7PcNoRkg.zy4Cga.p/txWnElV8NAG"),
    (password, "$2b$12$o8T0eyv6r8WYygTHAgtn7OVcs3YZCTf1pp4HJZ4I/V9IvtO/6Jaf."),
    (
      password,
      "$6$saltsaltsalt$ST/mWEmUvGaF8bR7RgZUdh5cwHaiiTTLMzdmz6VYMGgVtDKO8Huz6GcoOtpj0X0zfFtfnn1aYJnZLSFBw4K2p0"
    ),
    (password, "$5$saltsalt$3hGFMknrJ4ZpFPe7XZe397oIMEp7sbvqrcsX/ONJ3i."),
  ]

  @Test func fixedVectorsVerify() throws {
    let hasher = try PasswordHasher(cost: 4)
    for (password, hash) in Self.fixed {
      #expect(hasher.verify(password, against: hash), "\(hash.prefix(7))")
      #expect(!hasher.verify(password + "x", against: hash), "\(hash.prefix(7))")
    }
    // $2y$ (PHP, htpasswd -B) is the same algorithm under another name.
    let twoY = "$2y$" + Self.fixed[0].1.dropFirst(4)
    #expect(hasher.verify(Self.password, against: twoY))
  }

  @Test func pythonBcryptHashesVerify() throws {
    let r = try python(
      """
      import sys, bcrypt
      pw = sys.argv[1].encode()
      print(bcrypt.hashpw(pw, bcrypt.gensalt(4, prefix=b"2a")).decode())
      print(bcrypt.hashpw(pw, bcrypt.gensalt(4, prefix=b"2b")).decode())
      """, [Self.password])
    try #require(r.status == 0, "python bcrypt: \(r.stderr)")
    let hashes = r.stdout.split(separator: "\n").map(String.init)
    #expect(hashes.count == 2)
    let hasher = try PasswordHasher(cost: 4)
    for h in hashes { #expect(hasher.verify(Self.password, against: h)) }
  }

  @Test func ourHashesPassPythonCheckpw() throws {
    let hasher = try PasswordHasher(cost: 4)
    let passwords = [Self.password, "pässwörd ünïcode ✓"]
    let hashes = try passwords.map { try hasher.hash($0) }
    for h in hashes { #expect(h.hasPrefix("$2b$04$") && h.count == 60) }
    let r = try python(
      """
      import sys, bcrypt
      args = sys.argv[1:]
      print(all(bcrypt.checkpw(args[i].encode(), args[i + 1].encode()) for i in range(0, len(args), 2)))
      print(bcrypt.checkpw(b"wrong", args[1].encode()))
      """, zip(passwords, hashes).flatMap { [$0, $1] })
    #expect(r.stdout == "True\nFalse\n", "\(r.stderr)")
  }

  @Test func saltsDiffer() throws {
    let hasher = try PasswordHasher(cost: 4)
    #expect(try hasher.hash(Self.password) != hasher.hash(Self.password))
  }

  @Test func composedAndDecomposedVerifyAlike() throws {
    let hasher = try PasswordHasher(cost: 4)
    let composed = "caf\u{e9} au lait tous les jours"
    let decomposed = "cafe\u{301} au lait tous les jours"
    #expect(Array(composed.utf8) != Array(decomposed.utf8))
    #expect(hasher.verify(decomposed, against: try hasher.hash(composed)))
    #expect(hasher.verify(composed, against: try hasher.hash(decomposed)))
  }

  @Test(arguments: [
    "", "garbage", "$2b$", "$2b$04$", "$2b$04$short", "$1$saltsalt$abcdefghijklmnopqrstuv",
    "abJnggxhB/yWI", "*0", "$2b$99$I1a.EUe1ziUFvNYN5ZS6iOCXhpGO10i2lUi.EgopgKbI5zXIDVBCq",
    "$2x$04$I1a.EUe1ziUFvNYN5ZS6iOCXhpGO10i2lUi.EgopgKbI5zXIDVBCq", "$6$", "$y$",
  ])
  func emptyOrGarbageHashIsFalse(_ hash: String) throws {
    #expect(!(try PasswordHasher(cost: 4)).verify(Self.password, against: hash))
  }

  @Test func costLimitsAndWarning() throws {
    #expect(throws: CryptoError.self) { try PasswordHasher(cost: 3) }
    #expect(throws: CryptoError.self) { try PasswordHasher(cost: 32) }
    #expect(try PasswordHasher(cost: 31).cost == 31)
    #expect(PasswordHasher.costWarning(9) != nil)
    #expect(PasswordHasher.costWarning(10) == nil)
    #expect(PasswordHasher.costWarning(12) == nil)
  }

  @Test func needsRehashWhenPrefixOrCostDiffers() throws {
    let at4 = try PasswordHasher(cost: 4)
    let at5 = try PasswordHasher(cost: 5)
    let hash = try at4.hash(Self.password)
    #expect(!at4.needsRehash(hash))
    #expect(at5.needsRehash(hash))
    #expect(at4.needsRehash("$2a$" + hash.dropFirst(4)))
    #expect(at4.needsRehash("$2y$" + hash.dropFirst(4)))
    #expect(at4.needsRehash(Self.fixed[3].1))
    #expect(at4.needsRehash(""))
    #expect(try PasswordHasher(cost: 12).needsRehash(Self.fixed[2].1) == false)
  }

  @Test func electricMailIsABcryptHashOfTheEmail() throws {
    let hasher = try PasswordHasher(cost: 4)
    let hash = try ElectricMail.make("ann@example.com", hasher: hasher)
    #expect(ElectricMail.matches("ann@example.com", hash))
    #expect(!ElectricMail.matches("bob@example.com", hash))
    #expect(!ElectricMail.matches("ann@example.com", "not a hash"))
    let r = try python(
      "import sys, bcrypt; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())",
      ["ann@example.com"])
    #expect(ElectricMail.matches("ann@example.com", r.stdout.trimmingWhitespace))
  }
}

extension String {
  var trimmingWhitespace: String {
    String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }
}

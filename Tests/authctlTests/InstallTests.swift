import Foundation
import TestSupport
import Testing

/// The Makefile: what `make install` and `make uninstall` do with PREFIX and DESTDIR, and — with
/// AUTHCTL_TEST_INSTALL=1, because it makes a release build — a real staged install: every
/// file in place, a binary that runs with an empty environment and links no Swift runtime, and an
/// uninstall that removes exactly what install put.
@Suite struct InstallTests {
  /// The files install puts, relative to DESTDIR + PREFIX, with their modes.
  static let installed: [(path: String, mode: Int)] = [
    ("bin/authctl", 0o755),
    ("share/man/man1/authctl.1", 0o644),
    ("share/bash-completion/completions/authctl", 0o644),
    ("share/zsh/site-functions/_authctl", 0o644),
    ("share/fish/vendor_completions.d/authctl.fish", 0o644),
  ]

  static var make: String? { which("make") }

  /// Runs make in the package root with the test's own environment (SwiftPM needs HOME).
  static func runMake(_ arguments: [String]) throws -> RunResult {
    var env = ProcessInfo.processInfo.environment
    env["MAKEFLAGS"] = nil
    return try run(
      "/usr/bin/timeout", ["900", make!, "-C", packageRoot.path] + arguments, environment: env)
  }

  @Test(.enabled(if: make != nil, "make is not installed"))
  func testTargetIsTheReadmeCommand() throws {
    let r = try Self.runMake(["-s", "-n", "test"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == ReadmeTests.testCommand + "\n")
  }

  /// `make` builds the PostgreSQL store in when `pg_config` is on PATH or WITH_POSTGRESQL=1,
  /// and leaves it out without pg_config or with WITH_POSTGRESQL=0 (issue 13).
  @Test(.enabled(if: make != nil, "make is not installed"))
  func postgresTraitFollowsPgConfig() throws {
    let fake = try TempDir("fake-pg-config")
    FileManager.default.createFile(
      atPath: fake.file("pg_config"), contents: Data("#!/bin/sh\n".utf8),
      attributes: [.posixPermissions: 0o755])
    func plan(_ arguments: [String], path: String) throws -> String {
      var env = ProcessInfo.processInfo.environment
      env["MAKEFLAGS"] = nil
      env["PATH"] = path
      let r = try run(
        Self.make!, ["-s", "-n", "-C", packageRoot.path, "build"] + arguments, environment: env)
      #expect(r.status == 0, "\(r.stderr)")
      return r.stdout
    }
    let trait = "--traits PostgreSQL"
    #expect(try plan([], path: fake.path).contains(trait), "pg_config on PATH")
    #expect(try !plan([], path: "/nonexistent").contains(trait), "no pg_config")
    #expect(try plan(["WITH_POSTGRESQL=1"], path: "/nonexistent").contains(trait))
    #expect(try !plan(["WITH_POSTGRESQL=0"], path: fake.path).contains(trait))
  }

  /// Without PostgreSQL, `make` links SQLite, OpenSSL, libxcrypt and libstdc++ statically
  /// (issue 14: the start of every `check`) through the pkg-config files
  /// scripts/static-c-libs.sh writes; with PostgreSQL, or STATIC_C_LIBS=0, they stay shared.
  @Test(.enabled(if: make != nil, "make is not installed"))
  func staticCLibrariesWithoutPostgres() throws {
    func plan(_ arguments: [String]) throws -> String {
      let r = try Self.runMake(["-s", "-n", "build"] + arguments)
      #expect(r.status == 0, "\(r.stderr)")
      return r.stdout
    }
    let flag = "--pkg-config-path \(packageRoot.path)/.build/static-c-libs"
    let without = try plan(["WITH_POSTGRESQL=0"])
    #expect(without.contains(flag), "\(without)")
    #expect(without.contains("scripts/static-c-libs.sh \(packageRoot.path)/.build/static-c-libs"))
    #expect(try !plan(["WITH_POSTGRESQL=1"]).contains("static-c-libs"))
    #expect(try !plan(["WITH_POSTGRESQL=0", "STATIC_C_LIBS=0"]).contains("static-c-libs"))
    // The script's pkg-config files name only its folder, where only the archives are.
    let dir = try TempDir("static-c-libs")
    let made = try run("/bin/sh", [packageRoot.path + "/scripts/static-c-libs.sh", dir.path])
    try #require(made.status == 0, "\(made.allOutput)")
    for (pc, libs) in [
      ("sqlite3", "-lsqlite3"), ("openssl", "-lssl -lcrypto"), ("libxcrypt", "-lcrypt"),
    ] {
      let text = try String(contentsOfFile: dir.file("\(pc).pc"), encoding: .utf8)
      #expect(text.contains("Libs: -L\(dir.path) \(libs)\n"), "\(pc).pc:\n\(text)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(
      Set(files.filter { !$0.hasSuffix(".pc") })
        == ["libsqlite3.a", "libssl.a", "libcrypto.a", "libcrypt.a", "libstdc++.a"])
  }

  @Test(.enabled(if: make != nil, "make is not installed"))
  func installAndUninstallHonourPrefixAndDestdir() throws {
    let r = try Self.runMake(["-s", "-n", "install", "PREFIX=/opt/ac", "DESTDIR=/stage"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("build -c release --static-swift-stdlib"), "\(r.stdout)")
    let u = try Self.runMake(["-s", "-n", "uninstall", "PREFIX=/opt/ac", "DESTDIR=/stage"])
    #expect(u.status == 0, "\(u.stderr)")
    for (path, mode) in Self.installed {
      let target = "/stage/opt/ac/\(path)"
      #expect(r.stdout.contains("install -m \(String(mode, radix: 8)) "), "install -m for \(path)")
      #expect(r.stdout.contains(target), "make install does not write \(target)")
      #expect(u.stdout.contains(target), "make uninstall does not remove \(target)")
    }
    #expect(!r.stdout.contains("/usr/local"), "PREFIX ignored:\n\(r.stdout)")
  }

  @Test(
    .enabled(if: make != nil, "make is not installed"),
    .enabled(
      if: ProcessInfo.processInfo.environment["AUTHCTL_TEST_INSTALL"] == "1",
      "make install makes a release build; set AUTHCTL_TEST_INSTALL=1 to run it, as .ci/run should")
  )
  func stagedInstallRunsWithoutSwiftThenUninstalls() throws {
    let stage = try TempDir("install")
    let prefix = stage.path + "/usr/local"
    // `swift test` holds SwiftPM's lock on .build while the tests run, so the release build
    // goes to its own scratch folder (ignored by git), reused from one run to the next.
    let scratch = "SWIFTPM_FLAGS=--scratch-path=\(packageRoot.path)/.build-install"
    let install = try Self.runMake([
      "install", "DESTDIR=\(stage.path)", "PREFIX=/usr/local", scratch,
    ])
    try #require(install.status == 0, "make install:\n\(install.allOutput)")

    for (path, mode) in Self.installed {
      let attributes = try? FileManager.default.attributesOfItem(atPath: "\(prefix)/\(path)")
      #expect(attributes != nil, "make install did not put \(path)")
      let perms = (attributes?[.posixPermissions] as? NSNumber)?.intValue
      #expect(perms == mode, "\(path) mode \(String(perms ?? 0, radix: 8))")
    }
    #expect(Set(try regularFiles(stage.path)) == Set(Self.installed.map { "usr/local/\($0.path)" }))

    let binary = "\(prefix)/bin/authctl"
    let version = try run("/usr/bin/env", ["-i", binary, "--version"])
    #expect(version.status == 0, "\(version.stderr)")
    #expect(version.stdout.hasPrefix("authctl "), "\(version.stdout)")
    let ldd = try run(which("ldd") ?? "/usr/bin/ldd", [binary])
    #expect(ldd.status == 0, "\(ldd.allOutput)")
    for bad in ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "not found"] {
      #expect(!ldd.stdout.contains(bad), "ldd shows \(bad):\n\(ldd.stdout)")
    }

    // Uninstall removes exactly what install put: a file beside them stays.
    let neighbour = "\(prefix)/bin/other-tool"
    try Data("keep".utf8).write(to: URL(fileURLWithPath: neighbour))
    let uninstall = try Self.runMake([
      "uninstall", "DESTDIR=\(stage.path)", "PREFIX=/usr/local", scratch,
    ])
    #expect(uninstall.status == 0, "make uninstall:\n\(uninstall.allOutput)")
    #expect(try regularFiles(stage.path) == ["usr/local/bin/other-tool"])
  }

  /// Every regular file under `root`, relative to it, sorted.
  func regularFiles(_ root: String) throws -> [String] {
    let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
    var out: [String] = []
    let walker = FileManager.default.enumerator(atPath: base)
    while let relative = walker?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: "\(base)/\(relative)", isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        out.append(relative)
      }
    }
    return out.sorted()
  }
}

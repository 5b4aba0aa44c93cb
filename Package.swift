// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "authctl",
  products: [
    .executable(name: "authctl", targets: ["authctl"]),
    .library(name: "AuthKit", targets: ["AuthKit"]),
  ],
  // `swift build --traits PostgreSQL` adds the PostgreSQL store (libpq, apt libpq-dev); a plain
  // `swift build` needs only SQLite, OpenSSL and libxcrypt, and its binary refuses a
  // postgres:// database with exit 78 (docs/SCALING.md).
  traits: [
    .trait(
      name: "PostgreSQL",
      description: "The PostgreSQL store through libpq (pkg-config libpq, apt libpq-dev)")
  ],
  targets: [
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(
      name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
      providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CCrypt", path: "Sources/CCrypt", pkgConfig: "libxcrypt",
      providers: [.apt(["libcrypt-dev"])]),
    .systemLibrary(
      name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]),
    // prctl(2) behind a fixed-argument wrapper (the C function is variadic).
    .systemLibrary(name: "CProcess", path: "Sources/CProcess"),
    .target(
      name: "AuthKit",
      dependencies: [
        "CSQLite", "COpenSSL", "CCrypt", "CProcess",
        .target(name: "CLibPQ", condition: .when(traits: ["PostgreSQL"])),
      ]),
    .executableTarget(name: "authctl", dependencies: ["AuthKit"]),
    // bench/bcrypt.sh: one bcrypt hash through AuthKit, timed (no product; not shipped).
    .executableTarget(name: "bcrypt-bench", dependencies: ["AuthKit"], path: "bench/bcrypt-bench"),
    // bench/breached.sh: lookups in a generated breached-password corpus (no product).
    .executableTarget(
      name: "breached-bench", dependencies: ["AuthKit"], path: "bench/breached-bench"),
    .target(
      name: "TestSupport", path: "Tests/TestSupport",
      exclude: ["smtp_server.py", "https_server.py", "server_support.py"]),
    .testTarget(name: "AuthKitTests", dependencies: ["AuthKit", "TestSupport"]),
    .testTarget(name: "authctlTests", dependencies: ["authctl", "AuthKit", "TestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)

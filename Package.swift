// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "authctl",
  products: [
    .executable(name: "authctl", targets: ["authctl"]),
    .library(name: "AuthKit", targets: ["AuthKit"]),
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
    // prctl(2) behind a fixed-argument wrapper (the C function is variadic).
    .systemLibrary(name: "CProcess", path: "Sources/CProcess"),
    .target(
      name: "AuthKit",
      dependencies: ["CSQLite", "COpenSSL", "CCrypt", "CProcess"]),
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

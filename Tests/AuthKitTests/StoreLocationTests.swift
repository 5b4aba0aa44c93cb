import AuthKit
import Testing

/// `--db` / `AUTHCTL_DB` (issue 13): which store a text names, and that a password in it never
/// shows.
@Suite struct StoreLocationTests {
  @Test func kinds() {
    #expect(StoreLocation("./authctl.sqlite") == .sqlite(path: "./authctl.sqlite"))
    #expect(StoreLocation("/var/lib/a.db") == .sqlite(path: "/var/lib/a.db"))
    #expect(StoreLocation("postgres://h/db") == .postgres(conninfo: "postgres://h/db"))
    #expect(StoreLocation("postgresql://h/db") == .postgres(conninfo: "postgresql://h/db"))
    #expect(StoreLocation("PostgreSQL://h/db").isPostgres)
    #expect(
      StoreLocation("postgres:host=/run dbname=a") == .postgres(conninfo: "host=/run dbname=a"))
    #expect(!StoreLocation("./postgres:x").isPostgres, "a path that merely contains the word")
  }

  @Test(arguments: [
    ("postgres://u:secret@h:5432/db", "postgres://u:****@h:5432/db"),
    ("postgresql://u:p%40ss@h/db?sslmode=require", "postgresql://u:****@h/db?sslmode=require"),
    (
      "postgres://u@h/db?password=secret&sslmode=verify-full",
      "postgres://u@h/db?password=****&sslmode=verify-full"
    ),
    ("postgres://h/db?PASSWORD=secret", "postgres://h/db?PASSWORD=****"),
    ("postgres://u:secret@h1,h2/db", "postgres://u:****@h1,h2/db"),
    ("postgres://u@h/db", "postgres://u@h/db"),
    ("postgres:host=h password=secret dbname=a", "postgres:host=h password=**** dbname=a"),
    ("postgres:password = 'two words' host=h", "postgres:password = **** host=h"),
    ("postgres:host=h password='it\\'s' user=u", "postgres:host=h password=**** user=u"),
    ("postgres:host=h user=u", "postgres:host=h user=u"),
  ])
  func passwordsAreMasked(_ text: String, _ shown: String) {
    let location = StoreLocation(text)
    #expect(location.display == shown)
    #expect(!location.display.contains("secret") && !location.display.contains("two words"))
    #expect(location.hasPassword == (text != shown))
  }

  /// Run by a build without the trait (the trait build opens PostgreSQL for real in
  /// PostgresTests).
  @Test(.enabled(if: !StoreLocation.postgresSupported, "this build has the PostgreSQL store"))
  func aBuildWithoutPostgreSQLRefusesWith78sKind() throws {
    #expect(throws: StoreError.self) { try StoreLocation("postgres://h/db").open(create: false) }
    do {
      _ = try StoreLocation("postgres://h/db").open(create: false)
    } catch {
      #expect(error.kind == .unsupported)
      #expect(error.message.contains("built without PostgreSQL support; rebuild with"))
    }
  }
}

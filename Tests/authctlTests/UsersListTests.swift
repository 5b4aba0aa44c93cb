import AuthKit
import Foundation
import TestSupport
import Testing

/// `users list` in each format and with each filter, against a database the test fills.
@Suite struct UsersListTests {
  let dir: TempDir
  let db: String

  init() throws {
    dir = try TempDir()
    db = dir.file("list.sqlite")
    let r = try authctl(["--db", db, "-q", "migrate"])
    #expect(r.status == 0)
    let conn = try Connection(path: db, create: false)
    let now = Int64(Date().timeIntervalSince1970)
    func t(_ ago: Int64) -> SQLValue { .text(Timestamp.format(now - ago)) }
    let rows: [[SQLValue]] = [
      [
        .text("00000000-0000-4000-8000-000000000001"), .text("old.unconfirmed@example.com"), .null,
        t(10 * 86400), .null, .null,
      ],
      [
        .text("00000000-0000-4000-8000-000000000002"), .text("active@example.com"), t(3600),
        t(5 * 86400), .null, t(60),
      ],
      [
        .text("00000000-0000-4000-8000-000000000003"), .text("disabled@example.com"), t(3600),
        t(3600), t(60), .null,
      ],
      [
        .text("00000000-0000-4000-8000-000000000004"), .text("new.unconfirmed@example.com"), .null,
        t(60), .null, .null,
      ],
      [
        .text("00000000-0000-4000-8000-000000000005"), .text("comma,\"quote\"@example.com"),
        t(3600), t(7200), .null, .null,
      ],
    ]
    for row in rows {
      try conn.run(
        """
        INSERT INTO users (id, email, password, activated_at, created_at, updated_at, disabled_at, last_login_at)
        VALUES (?1, ?2, '$2b$04$secrethashsecrethashsecrethashsecrethashsecrethashse', ?3, ?4, ?4, ?5, ?6)
        """, row)
    }
    try conn.run(
      "UPDATE users SET locked_until = ?1 WHERE email = 'active@example.com'", [t(-900)])
  }

  func list(_ args: [String]) throws -> RunResult {
    let r = try authctl(["--db", db, "users", "list"] + args)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stdout.contains("secrethash"), "never the hash")
    return r
  }

  func jsonArray(_ r: RunResult) throws -> [[String: Any]] {
    try JSONSerialization.jsonObject(with: r.stdoutData) as! [[String: Any]]
  }

  @Test func jsonHasEveryFieldAndStatus() throws {
    let rows = try jsonArray(try list(["--format", "json"]))
    #expect(rows.count == 5)
    #expect(
      Set(rows[0].keys) == ["id", "email", "status", "created_at", "activated_at", "last_login_at"])
    let status = Dictionary(
      uniqueKeysWithValues: rows.map { ($0["email"] as! String, $0["status"] as! String) })
    #expect(status["old.unconfirmed@example.com"] == "unconfirmed")
    #expect(status["active@example.com"] == "locked")
    #expect(status["disabled@example.com"] == "disabled")
    #expect(status["comma,\"quote\"@example.com"] == "active")
    #expect(rows[0]["activated_at"] is NSNull)
    let created = rows[0]["created_at"] as! String
    #expect(created.count == 20 && created.hasSuffix("Z"), "ISO-8601 UTC: \(created)")
  }

  @Test func jsonlOneObjectPerLine() throws {
    let r = try list(["--format", "jsonl"])
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 5)
    for line in lines {
      let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      #expect(o["id"] is String)
    }
  }

  @Test func csvIsRFC4180() throws {
    let r = try list(["--format", "csv"])
    #expect(r.stdout.hasPrefix("id,email,status,created_at,activated_at,last_login_at\r\n"))
    #expect(r.stdout.contains(",\"comma,\"\"quote\"\"@example.com\",active,"))
    // Python's csv module reads it back.
    let py = try python(
      "import csv,sys; rows=list(csv.DictReader(sys.stdin)); print(len(rows), rows[4]['email'])",
      stdin: r.stdout)
    #expect(py.stdout == "5 comma,\"quote\"@example.com\n", "\(py.stderr)")
  }

  @Test func tableIsTheDefault() throws {
    let r = try list([])
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 6)
    #expect(lines[0].hasPrefix("ID "))
    #expect(lines[1].contains("old.unconfirmed@example.com") && lines[1].contains("unconfirmed"))
  }

  @Test func filters() throws {
    func emails(_ args: [String]) throws -> [String] {
      try jsonArray(try list(args + ["--format", "json"])).map { $0["email"] as! String }
    }
    #expect(
      try emails(["--status", "unconfirmed"]) == [
        "old.unconfirmed@example.com", "new.unconfirmed@example.com",
      ])
    #expect(try emails(["--status", "locked"]) == ["active@example.com"])
    #expect(try emails(["--status", "disabled"]) == ["disabled@example.com"])
    #expect(
      try emails(["--older-than", "2d"]) == ["old.unconfirmed@example.com", "active@example.com"])
    #expect(
      try emails(["--status", "unconfirmed", "--older-than", "7d"]) == [
        "old.unconfirmed@example.com"
      ])
    #expect(try emails(["--limit", "2"]).count == 2)
    #expect(try emails(["--limit", "0"]).isEmpty)
    #expect(try emails(["--created-before", "2000-01-01"]).isEmpty)
    #expect(try emails(["--created-before", "2999-01-01T00:00:00Z"]).count == 5)
    #expect(
      try list(["--status", "locked", "--format", "json"]).stdout.contains("\"status\":\"locked\""))
  }
}

import AuthKit
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Event hooks through the binary (issue 15): `AUTHCTL_HOOK` is a shell script in the test's
/// folder that appends each event it reads on stdin to `runs` (every attempt) and, unless
/// told to fail, to `events` (delivered). Files in the folder steer it: `fail` makes it print
/// `boom` and exit 3, `block` makes it hand its pid to the `fifo` and hang, and an event of
/// a@example.com is refused (exit 4) until `allow-a` exists. Retries are timed by moving the
/// stored next-attempt time, never by sleeping; the one real wait is the 1 s timeout.
@Suite struct HookTests {
  /// The hook script and the folder it records into.
  struct Hook {
    let dir: TempDir
    var path: String { dir.file("hook.sh") }

    init(_ dir: TempDir) throws {
      self.dir = dir
      let script = """
        #!/bin/sh
        d='\(dir.path)'
        input=$(cat)
        printf '%s\\n' "$input" >> "$d/runs"
        if [ -f "$d/fail" ]; then echo boom; echo "on stderr" >&2; exit 3; fi
        if [ -f "$d/block" ]; then echo $$ > "$d/fifo"; sleep 60; fi
        case "$input" in
          *'"email":"a@example.com"'*) [ -f "$d/allow-a" ] || { echo "a refused" >&2; exit 4; } ;;
        esac
        printf '%s\\n' "$input" >> "$d/events"

        """
      try Data(script.utf8).write(to: URL(fileURLWithPath: path))
      chmod(path, 0o755)
    }

    func flag(_ name: String, _ on: Bool) {
      if on {
        _ = FileManager.default.createFile(atPath: dir.file(name), contents: Data())
      } else {
        try? FileManager.default.removeItem(atPath: dir.file(name))
      }
    }

    /// The JSON objects of `file` (`events` or `runs`), in order.
    func objects(_ file: String = "events") throws -> [[String: Any]] {
      guard let text = try? String(contentsOfFile: dir.file(file), encoding: .utf8) else {
        return []
      }
      return try text.split(separator: "\n").map {
        try #require(
          try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
      }
    }

    func text(_ file: String = "events") -> String {
      (try? String(contentsOfFile: dir.file(file), encoding: .utf8)) ?? ""
    }
  }

  static let keys: Set<String> = [
    "id", "at", "event", "user_id", "email", "outcome", "reason", "detail",
  ]

  /// register → confirm → login (refused twice: a wrong password, counted; an unknown account,
  /// rolled back) → login → passwd → disable: every audit event reaches the hook once, in
  /// the audit's order, with the eight members and no password, token, code or hash.
  @Test(arguments: StoreKind.available)
  func walkDeliversEveryEventInOrder(store: StoreKind) throws {
    let walk = try Walk(store: store)
    let hook = try Hook(walk.dir)
    walk.env["AUTHCTL_HOOK"] = hook.path
    let first = "hook walk passphrase 1"
    let second = "hook walk passphrase 2"
    try walk.run(["register", "me@example.com", "--password-stdin"], stdin: first + "\n")
    let token = try #require(
      Walk.line("Token", in: try walk.run(["mail", "show", "--to", "me@example.com"]).stdout))
    try walk.run(["confirm", token, "--password-stdin"], stdin: first + "\n")
    try walk.run(
      ["login", "me@example.com", "--password-stdin"], stdin: "not the password 1\n", expect: 77)
    try walk.run(
      ["login", "nobody@example.com", "--password-stdin"], stdin: first + "\n", expect: 67)
    try walk.run(["login", "me@example.com", "--password-stdin"], stdin: first + "\n")
    try walk.run(["passwd", "--request", "--password-stdin"], stdin: first + "\n")
    let code = try #require(
      Walk.line("Code", in: try walk.run(["mail", "show", "--to", "me@example.com"]).stdout))
    try walk.run(["passwd", "--code", code, "--password-stdin"], stdin: second + "\n")
    try walk.run(["users", "disable", "me@example.com"])

    let events = try hook.objects()
    let audit = try walk.probe.rows("SELECT event, outcome, email FROM audit ORDER BY id")
    #expect(events.map { $0["event"] as? String } == audit.map { $0[0] }, "every event, in order")
    #expect(events.map { $0["outcome"] as? String } == audit.map { $0[1] })
    #expect(events.map { $0["email"] as? String } == audit.map { $0[2] })
    let names = events.compactMap { $0["event"] as? String }
    for kind in ["register", "confirm", "login", "passwd.request", "passwd", "admin.disable"] {
      #expect(names.contains(kind), "\(kind) in \(names)")
    }
    let refusals = events.filter { $0["outcome"] as? String == "failed" }
    #expect(
      refusals.map { $0["reason"] as? String } == [
        "wrong password", "no account with email nobody@example.com",
      ])
    #expect(refusals.map { $0["email"] as? String } == ["me@example.com", "nobody@example.com"])
    let ids = events.compactMap { $0["id"] as? Int }
    #expect(ids == ids.sorted() && Set(ids).count == events.count)
    for e in events {
      #expect(Set(e.keys) == Self.keys, "\(e.keys)")
      let at = e["at"] as? String ?? ""
      #expect(at.count == 20 && at.hasSuffix("Z") && Timestamp.parse(at) != nil, "RFC 3339: \(at)")
    }
    let register = try #require(events.first)
    #expect(register["user_id"] as? String == (try walk.value("SELECT id FROM users")))
    #expect(register["reason"] is NSNull && register["detail"] is NSNull)
    // Nothing secret, in what the hook read nor in the queue's rows.
    let rows = try walk.probe.rows("SELECT * FROM hook_events").flatMap { $0 }.compactMap { $0 }
    let hash = try #require(try walk.value("SELECT password FROM users"))
    for secret in [first, second, token, code, hash, "$2b$"] {
      #expect(!hook.text("runs").contains(secret), "a secret went to the hook")
      #expect(!rows.contains { $0.contains(secret) }, "a secret is in hook_events")
    }
    #expect(try walk.count("SELECT count(*) FROM hook_events WHERE status <> 'sent'") == 0)
    #expect(hook.text("runs") == hook.text("events"), "each run delivered once")
  }

  /// A failing hook: deferred with the outbox's backoff (1 min, then 5 min), not run again
  /// before its time; the tenth failed attempt gives the event up, reported and audited, and
  /// the account's later events go on.
  @Test func failingHookRetriesWithBackoffThenGivesUp() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true"])
    let hook = try Hook(walk.dir)
    walk.env["AUTHCTL_HOOK"] = hook.path
    hook.flag("fail", true)
    let reg = try walk.run(["register", "b@example.com"])
    #expect(reg.stderr.contains("deferred: exited with status 3: boom"), "\(reg.stderr)")
    func row() throws -> [String?] {
      try #require(
        try walk.probe.rows(
          "SELECT status, attempts, next_attempt_at, last_error FROM hook_events"
        ).first)
    }
    func dueIn(_ r: [String?]) -> Int64 {
      (Timestamp.parse(r[2] ?? "") ?? 0) - Int64(Date().timeIntervalSince1970)
    }
    var r = try row()
    #expect(r[0] == "queued" && r[1] == "1")
    #expect((55...61).contains(dueIn(r)), "the first retry in a minute: \(r)")
    #expect(r[3]?.hasPrefix("exited with status 3: boom") == true, "\(r)")
    #expect(r[3]?.contains("on stderr") == true, "stdout and stderr captured: \(r)")

    let early = try walk.run(["hooks", "flush"], expect: 75)
    #expect(early.stderr.contains("1 hook event(s) wait") && early.stderr.contains("--all"))
    #expect(try hook.objects("runs").count == 1, "not run again before its time")
    let queue = try walk.run(["hooks", "queue", "--format", "json"])
    let listed = try #require(
      try JSONSerialization.jsonObject(with: queue.stdoutData) as? [[String: Any]])
    #expect(listed.count == 1 && listed[0]["attempts"] as? Int == 1)
    #expect(
      listed[0]["event"] as? String == "register"
        && listed[0]["email"] as? String == "b@example.com")
    #expect((listed[0]["last_error"] as? String)?.contains("boom") == true)

    // Its time comes (the stored time moved, not waited for): the second backoff step.
    try walk.probe.run("UPDATE hook_events SET next_attempt_at = '2000-01-01T00:00:00Z'")
    try walk.run(["hooks", "flush"], expect: 75)
    r = try row()
    #expect(r[1] == "2" && (295...301).contains(dueIn(r)), "then five minutes: \(r)")

    // The tenth attempt fails: given up, reported, audited; the queue still lists it.
    try walk.probe.run(
      "UPDATE hook_events SET attempts = 9, next_attempt_at = '2000-01-01T00:00:00Z'")
    let last = try walk.run(["hooks", "flush"])
    #expect(last.stdout.contains("failed 1"), "\(last.stdout)")
    #expect(last.stderr.contains("failed for good: exited with status 3"), "\(last.stderr)")
    r = try row()
    #expect(r[0] == "failed" && r[1] == "10")
    #expect(r[3]?.hasPrefix("gave up after 10 attempts: exited with status 3") == true)
    #expect(try walk.count("SELECT count(*) FROM audit WHERE event = 'hook.failed'") == 1)
    #expect(try walk.count("SELECT count(*) FROM audit WHERE event = 'hook.deferred'") == 2)
    #expect(try walk.count("SELECT count(*) FROM hook_events WHERE event LIKE 'hook.%'") == 0)
    let table = try walk.run(["hooks", "queue"])
    #expect(table.stdout.contains("failed") && table.stdout.contains("b@example.com"))

    // The account's later events are not held behind the given-up one.
    hook.flag("fail", false)
    try walk.run(["users", "disable", "b@example.com"])
    #expect(try hook.objects().map { $0["event"] as? String } == ["admin.disable"])
  }

  /// AUTHCTL_HOOK_TIMEOUT=1s against a hook that hangs with a child of its own: the run ends
  /// after about a second (the one real wait of these tests: the code under test is a real
  /// timeout), the event is deferred, and the hook's whole process group is killed.
  @Test func timeoutKillsAHangingHookAndItsGroup() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true", "AUTHCTL_HOOK_TIMEOUT": "1s"])
    let script = walk.dir.file("hang.sh")
    try Data(
      """
      #!/bin/sh
      cat > /dev/null
      sleep 60 &
      echo $! > '\(walk.dir.file("child"))'
      wait

      """.utf8
    ).write(to: URL(fileURLWithPath: script))
    chmod(script, 0o755)
    walk.env["AUTHCTL_HOOK"] = script
    let start = Date()
    let reg = try walk.run(["register", "slow@example.com"])
    let took = Date().timeIntervalSince(start)
    #expect(took < 10, "the timeout cut the 60 s hook: \(took) s")
    #expect(reg.stderr.contains("deferred: timed out after 1s; killed"), "\(reg.stderr)")
    #expect(
      try walk.value("SELECT last_error FROM hook_events")?.hasPrefix("timed out after 1s") == true)
    let child = try String(contentsOfFile: walk.dir.file("child"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    // Gone, or a zombie waiting for a reaper that is not authctl: not running either way.
    let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
    let state = stat.split(separator: ")").last?.split(separator: " ").first
    #expect(stat.isEmpty || state == "Z", "the hook's child still runs: \(stat)")
  }

  /// One account's event deferred holds that account's later events (not even tried) while
  /// another account's go; once the hook takes it, its events follow in order.
  @Test func orderPerAccount() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true"])
    let hook = try Hook(walk.dir)
    walk.env["AUTHCTL_HOOK"] = hook.path
    try walk.run(["register", "a@example.com"])
    try walk.run(["register", "c@example.com"])
    try walk.run(["users", "disable", "a@example.com"])
    try walk.run(["users", "disable", "c@example.com"])
    try walk.run(["users", "enable", "a@example.com"])
    func delivered() throws -> [String] {
      try hook.objects().map { "\($0["event"] as? String ?? "") \($0["email"] as? String ?? "")" }
    }
    #expect(try delivered() == ["register c@example.com", "admin.disable c@example.com"])
    let tried = try hook.objects("runs").filter { $0["email"] as? String == "a@example.com" }
    #expect(tried.map { $0["event"] as? String } == ["register"], "a's later events waited")
    #expect(
      try walk.count("SELECT count(*) FROM hook_events WHERE status = 'queued'") == 3)

    hook.flag("allow-a", true)
    let flush = try walk.run(["hooks", "flush", "--all"])
    #expect(flush.stdout.hasPrefix("delivered 3"), "\(flush.stdout)")
    #expect(
      try delivered() == [
        "register c@example.com", "admin.disable c@example.com", "register a@example.com",
        "admin.disable a@example.com", "admin.enable a@example.com",
      ])
  }

  /// kill -9 of `hooks flush` while the hook runs: the event stays queued with no attempt
  /// counted, the lock is gone with the process, and the next flush delivers it (at least
  /// once: the killed run read it too).
  @Test func killedFlushLeavesTheEventQueued() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true"])
    let hook = try Hook(walk.dir)
    walk.env["AUTHCTL_HOOK"] = hook.path
    walk.env["AUTHCTL_HOOK_TIMEOUT"] = "5m"
    hook.flag("fail", true)
    try walk.run(["register", "k@example.com"])
    hook.flag("fail", false)
    hook.flag("block", true)
    #expect(mkfifo(walk.dir.file("fifo"), 0o600) == 0)
    let flush = try SpawnedProcess(
      ["hooks", "flush", "--all"], environment: walk.env, directory: walk.dir.url,
      scratch: walk.dir)
    // The hook says it runs by writing its pid: opening the FIFO blocks until then.
    let fd = open(walk.dir.file("fifo"), O_RDONLY)
    #expect(fd >= 0)
    var buffer = [UInt8](repeating: 0, count: 32)
    let n = read(fd, &buffer, buffer.count)
    close(fd)
    let pid = String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    flush.kill()
    #expect(flush.wait(), "killed")
    kill(-(pid_t(pid) ?? 0), SIGKILL)
    let row = try walk.probe.rows("SELECT status, attempts FROM hook_events").first
    #expect(row == ["queued", "1"], "still queued, the killed attempt not counted")

    hook.flag("block", false)
    let again = try walk.run(["hooks", "flush", "--all"])
    #expect(again.stdout.hasPrefix("delivered 1"), "\(again.stdout)")
    #expect(try hook.objects().map { $0["email"] as? String } == ["k@example.com"])
    #expect(try hook.objects("runs").count == 3, "failed, killed, delivered")
    #expect(try walk.value("SELECT status FROM hook_events") == "sent")
  }

  /// A hook program others could change is never run: the command that queued the event
  /// succeeds with a warning, `hooks flush` exits 78 and the event keeps its attempts.
  @Test func untrustedHookIsRefused() throws {
    let walk = try Walk(env: ["MAIL_SUPPRESS_SEND": "true"])
    let hook = try Hook(walk.dir)
    walk.env["AUTHCTL_HOOK"] = hook.path
    chmod(hook.path, 0o775)
    let reg = try walk.run(["register", "t@example.com"])
    #expect(reg.stderr.contains("writable by group or others (mode 0775)"), "\(reg.stderr)")
    let flush = try walk.run(["hooks", "flush"], expect: 78)
    #expect(flush.stderr.contains("AUTHCTL_HOOK: \(hook.path)"), "\(flush.stderr)")
    #expect(hook.text("runs").isEmpty)
    #expect(try walk.probe.rows("SELECT status, attempts FROM hook_events") == [["queued", "0"]])
    walk.env["AUTHCTL_HOOK"] = "hook.sh"
    let relative = try walk.run(["hooks", "queue"], expect: 78)
    #expect(relative.stderr.contains("not an absolute path"), "\(relative.stderr)")
    walk.env["AUTHCTL_HOOK"] = nil
    let unset = try walk.run(["hooks", "flush"], expect: 78)
    #expect(unset.stderr.contains("AUTHCTL_HOOK: not set"), "\(unset.stderr)")
  }
}

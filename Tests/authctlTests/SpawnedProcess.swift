import AuthKit
import Foundation
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A child process started without waiting, for races and kills: its output goes to files (no
/// pipe to drain), its stdin comes from a file (nothing to write after a kill).
final class SpawnedProcess: @unchecked Sendable {
  let process = Process()
  private let outPath: String
  private let errPath: String

  /// Starts `executable` (default: the built authctl, with `AUTHCTL_BCRYPT_COST=4` unless set)
  /// with exactly `environment` plus `PATH`.
  init(
    _ arguments: [String], executable: String = authctlPath, environment: [String: String] = [:],
    stdin: String? = nil, directory: URL? = nil, scratch: TempDir
  ) throws {
    var env = environment
    if executable == authctlPath, env["AUTHCTL_BCRYPT_COST"] == nil {
      env["AUTHCTL_BCRYPT_COST"] = "4"
    }
    if env["PATH"] == nil {
      env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    }
    let tag = UUID().uuidString
    outPath = scratch.file("out-\(tag)")
    errPath = scratch.file("err-\(tag)")
    let inPath = scratch.file("in-\(tag)")
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
    try process.run()
  }

  var pid: pid_t { process.processIdentifier }

  /// Sends SIGKILL (a no-op when the process has already exited and been reaped).
  func kill() { if process.isRunning { _ = Glibc.kill(pid, SIGKILL) } }

  /// Waits; true when the process died of SIGKILL rather than exiting.
  @discardableResult
  func wait() -> Bool {
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
  }

  var status: Int32 { process.terminationStatus }
  var stdout: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
  var stderr: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
}

/// "ok" when the database is sound (`DatabaseProbe.integrity`: SQLite's `PRAGMA
/// integrity_check`, PostgreSQL's amcheck), through a fresh connection.
func integrityCheck(_ db: String) throws -> String {
  try DatabaseProbe(db).integrity()
}

/// One integer from `sql` on a fresh connection to `db` (a SQLite path or a PostgreSQL URL).
func scalar(_ db: String, _ sql: String, _ values: [SQLValue] = []) throws -> Int64 {
  try DatabaseProbe(db).integer(sql, values)
}

/// The messages of an mbox file as Python's `mailbox.mbox` reads them: recipient, Message-ID
/// and the `Token:`, `Code:` and `Password:` lines of the decoded body.
struct MboxMessage: Decodable {
  var to: String
  var messageID: String
  var subject: String
  var token: String?
  var code: String?
  var password: String?

  enum CodingKeys: String, CodingKey {
    case to, subject, token, code, password
    case messageID = "message_id"
  }

  static func read(_ path: String) throws -> [MboxMessage] {
    let r = try python(
      """
      import json, mailbox, re, sys, email.policy
      out = []
      for m in mailbox.mbox(sys.argv[1], factory=None, create=False):
          msg = email.message_from_bytes(m.as_bytes(), policy=email.policy.default)
          try:
              body = msg.get_content()
          except Exception:
              body = ''
          def line(name):
              found = re.search(r'^' + name + r': (\\S+)', body, re.M)
              return found.group(1) if found else None
          out.append({'to': str(msg['To'] or ''), 'message_id': str(msg['Message-ID'] or ''),
                      'subject': str(msg['Subject'] or ''), 'token': line('Token'),
                      'code': line('Code'), 'password': line('Password')})
      print(json.dumps(out))
      """, [path])
    guard r.status == 0 else { throw TestSupportError("mbox \(path): \(r.stderr)") }
    return try JSONDecoder().decode([MboxMessage].self, from: r.stdoutData)
  }
}

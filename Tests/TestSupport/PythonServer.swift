import Foundation

/// A test server written in Python beside this file (`smtp_server.py`, `https_server.py`), run
/// by `pythonPath` with its JSON configuration and a spool folder: ready once it prints
/// `READY <port>`; stopped by `stop()`, in `deinit`, and when the test process dies (it
/// watches its stdin, `server_support.py`). Its stderr goes to `log`.
public final class PythonServer: @unchecked Sendable {
  public let port: Int
  /// The folder the server writes what it received into.
  public let spool: TempDir
  private let process: Process
  private let stdinPipe: Pipe

  /// Starts `script` (a file name beside this file) with `config`; `label` names its spool.
  public init(script: String, config: [String: Any], label: String) throws {
    spool = try TempDir(label)
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent(script).path
    let json = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
    process = Process()
    process.executableURL = URL(fileURLWithPath: pythonPath)
    // -B: no __pycache__ beside the scripts (SwiftPM would see unhandled files).
    process.arguments =
      (pythonPath == "/usr/bin/env" ? ["python3"] : []) + ["-B", path, json, spool.path]
    stdinPipe = Pipe()
    let stdoutPipe = Pipe()
    let log = spool.file("server.log")
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    try process.run()
    // Read "READY <port>\n".
    var line = Data()
    let reader = stdoutPipe.fileHandleForReading
    while !line.contains(10) {
      let chunk = reader.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("READY "), let p = Int(text.dropFirst(6)) else {
      process.waitUntilExit()
      let logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      throw TestSupportError("\(script) did not start: \(text)\n\(logText)")
    }
    port = p
  }

  deinit { stop() }

  /// Stops the server and waits for it. Safe to call more than once.
  public func stop() {
    // EOF on stdin makes the server exit; SIGTERM, then SIGKILL, if it does not. (Polling
    // `isRunning`: Foundation's `waitUntilExit` can hang when called from several threads.)
    try? stdinPipe.fileHandleForWriting.close()
    guard process.isRunning else { return }
    process.terminate()
    for step in 0..<100 where process.isRunning {
      if step == 50 { kill(process.processIdentifier, SIGKILL) }
      usleep(50_000)
    }
  }

  /// The JSON files the server wrote whose names start with `prefix`, in order, decoded.
  public func records<T: Decodable>(_ prefix: String, as type: T.Type) throws -> [T] {
    let names = try FileManager.default.contentsOfDirectory(atPath: spool.path)
      .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    return try names.map {
      try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: spool.file($0))))
    }
  }

  /// The server's log (its own and Python's messages), for failing tests.
  public var log: String {
    (try? String(contentsOfFile: spool.file("server.log"), encoding: .utf8)) ?? ""
  }
}

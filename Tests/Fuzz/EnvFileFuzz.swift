// libFuzzer target: the env-file parser and `${…}` expansion never trap, and report sane lines.
@testable import AuthKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let file = EnvFile(parsing: text)
  let lineCount = text.unicodeScalars.filter { $0 == "\n" }.count + 1
  for entry in file.entries {
    precondition(entry.line >= 1 && entry.line <= lineCount, "entry line out of range")
    precondition(!entry.key.isEmpty, "empty key")
  }
  for line in file.badLines {
    precondition(line >= 1 && line <= lineCount, "bad line out of range")
  }
  precondition(file.badLines == file.badLines.sorted(), "bad lines out of order")
  _ = file.resolved(environment: [:])
  _ = file.resolved(environment: ["HOME": "/root", "A": "", "B": "${A}"])
  return 0
}

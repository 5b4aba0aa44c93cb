// libFuzzer target: SMTPReply.parse over the lines a server sends. The input is cut at LF (a
// CR before it dropped) and grouped into replies as SMTPClient.readReply groups them; a reply
// that parses has a code 200–599, one text per line, and parses again from its own rendering.
@testable import AuthKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var pending: [String] = []
  for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
    let line = Array(raw.last == 0x0D ? raw.dropLast() : raw)
    pending.append(String(decoding: line, as: UTF8.self))
    if SMTPReply.isLast(line) || line.count < 3 || pending.count >= 1000 {
      check(pending)
      pending = []
    }
  }
  if !pending.isEmpty { check(pending) }
  _ = try? SMTPReply.parse([])
  return 0
}

private func check(_ lines: [String]) {
  guard let reply = try? SMTPReply.parse(lines) else { return }
  precondition((200...599).contains(reply.code), "code \(reply.code)")
  precondition(reply.lines.count == lines.count, "lines lost")
  _ = reply.text
  _ = reply.isPositive
  let rendered = reply.lines.enumerated().map { index, text in
    "\(reply.code)\(index == reply.lines.count - 1 ? " " : "-")\(text)"
  }
  guard let again = try? SMTPReply.parse(rendered) else {
    preconditionFailure("a rendered reply does not parse")
  }
  precondition(again == reply, "a reply changes through rendering")
  precondition(SMTPReply.printable(lines[0]).count <= 200, "printable too long")
}

/// Reads one HTTP/1.1 response (RFC 9112) from a TLS session: the status line, the header
/// section (bounded), then the body framed by `Transfer-Encoding: chunked` (§7.1), by
/// `Content-Length` (§6.3), or by the end of the connection.
struct HTTPResponseReader {
  let session: TLSSession
  let deadline: Deadline
  let maxBody: Int
  private var buffer: [UInt8] = []
  private var start = 0
  private var headerBytes = 0

  init(session: TLSSession, deadline: Deadline, maxBody: Int) {
    self.session = session
    self.deadline = deadline
    self.maxBody = maxBody
  }

  /// The response; interim 1xx responses (RFC 9110 §15.2) are skipped.
  mutating func response(forHead: Bool) throws -> HTTPResponse {
    while true {
      let (status, reason) = try statusLine()
      let headers = try headerSection()
      if (100...199).contains(status) { continue }
      let noBody = forHead || status == 204 || status == 304
      let body = noBody ? [] : try self.body(headers)
      return HTTPResponse(status: status, reason: reason, headers: headers, body: body)
    }
  }

  /// `HTTP/1.x NNN reason`.
  mutating func statusLine() throws -> (Int, String) {
    let line = try self.line()
    let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count >= 2, parts[0] == "HTTP/1.1" || parts[0] == "HTTP/1.0",
      parts[1].utf8.count == 3, let status = Int(parts[1]), (100...999).contains(status)
    else { throw HTTPError.protocolViolation("not an HTTP/1.1 status line") }
    return (status, parts.count > 2 ? String(parts[2]) : "")
  }

  /// Header fields up to the empty line; a line folded onto the next (obs-fold) is refused
  /// (RFC 9112 §5.2).
  mutating func headerSection() throws -> [(name: String, value: String)] {
    var fields: [(name: String, value: String)] = []
    while true {
      let line = try self.line()
      if line.isEmpty { return fields }
      guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
        !line.hasPrefix(" "), !line.hasPrefix("\t"),
        !line[..<colon].contains(where: { $0 == " " || $0 == "\t" })
      else { throw HTTPError.protocolViolation("a malformed header line") }
      let name = String(line[..<colon])
      let value = String(line[line.index(after: colon)...]).trimmingASCIIWhitespace()
      fields.append((name, value))
      guard fields.count <= 200 else { throw HTTPError.tooLarge("more than 200 header fields") }
    }
  }

  mutating func body(_ headers: [(name: String, value: String)]) throws -> [UInt8] {
    let lower = headers.map { ($0.name.lowercased(), $0.value) }
    if let coding = lower.last(where: { $0.0 == "transfer-encoding" })?.1 {
      let last = coding.lowercased().split(separator: ",").last
      guard last.map({ String($0).trimmingASCIIWhitespace() }) == "chunked" else {
        throw HTTPError.protocolViolation("a transfer coding other than chunked")
      }
      return try chunked()
    }
    let lengths = Set(lower.filter { $0.0 == "content-length" }.map(\.1))
    if let text = lengths.first {
      guard lengths.count == 1, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
        text.utf8.count <= 12, let length = Int(text)
      else { throw HTTPError.protocolViolation("a bad Content-Length") }
      guard length <= maxBody else { throw HTTPError.tooLarge("\(length) bytes") }
      return try bytes(length)
    }
    return try toEnd()
  }

  /// Chunks (`size[;ext] CRLF data CRLF`) up to the last one (size 0) and its trailers.
  mutating func chunked() throws -> [UInt8] {
    var body: [UInt8] = []
    while true {
      let line = try self.line()
      let sizeText = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
      let digits = sizeText.trimmingASCIIWhitespace()
      guard !digits.isEmpty, digits.utf8.count <= 8, let size = Int(digits, radix: 16) else {
        throw HTTPError.protocolViolation("a bad chunk size")
      }
      if size == 0 {
        _ = try headerSection()  // trailers
        return body
      }
      guard body.count + size <= maxBody else {
        throw HTTPError.tooLarge("more than \(maxBody) bytes")
      }
      body += try bytes(size)
      guard try self.line().isEmpty else {
        throw HTTPError.protocolViolation("no line end after a chunk")
      }
    }
  }

  /// Exactly `count` bytes.
  mutating func bytes(_ count: Int) throws -> [UInt8] {
    while buffer.count - start < count { try fill() }
    let out = Array(buffer[start..<(start + count)])
    start += count
    return out
  }

  /// Everything until the peer closes.
  mutating func toEnd() throws -> [UInt8] {
    while true {
      guard buffer.count - start <= maxBody else {
        throw HTTPError.tooLarge("more than \(maxBody) bytes")
      }
      do { try fill() } catch TransportFailure.closed { break }
    }
    return Array(buffer[start...])
  }

  /// One line without its CRLF (a bare LF is taken too, RFC 9112 §2.2), as text.
  mutating func line() throws -> String {
    while true {
      if let lf = buffer[start...].firstIndex(of: 10) {
        var end = lf
        if end > start, buffer[end - 1] == 13 { end -= 1 }
        let bytes = buffer[start..<end]
        headerBytes += lf + 1 - start
        start = lf + 1
        guard let text = String(validating: bytes, as: UTF8.self) else {
          throw HTTPError.protocolViolation("a line that is not UTF-8")
        }
        return text
      }
      guard headerBytes + (buffer.count - start) <= HTTPClient.maxHeaderBytes else {
        throw HTTPError.tooLarge("a header section over \(HTTPClient.maxHeaderBytes) bytes")
      }
      try fill()
    }
  }

  /// Appends what the session has, first dropping what was read.
  mutating func fill() throws {
    if start > 65_536 {
      buffer.removeFirst(start)
      start = 0
    }
    buffer += try session.receive(until: deadline)
  }
}

import AuthKit

/// `check --batch`: Squid's basic_auth helper protocol (squid.conf `auth_param basic program`;
/// Squid's wiki, "Features/AddonHelpers"), and the fast path for any caller with many checks.
///
/// One process answers request after request: each line is `user password`, both URL-escaped
/// (`%XX`), optionally after a numeric channel-ID (`concurrency=N`), and gets one line back,
/// flushed at once — `OK` for a right password of an account that may log in, `ERR` for a
/// refusal or a malformed request (its reason as `message="…"` with `-v`), `BH message="…"`
/// when no answer could be had (busy or missing database): Squid's "broken helper" reply.
/// The channel-ID, when given, starts the reply. Every rule of `check` applies to each line.
///
/// The database stays open between requests and is reopened only when the file at its path
/// changes (another device or inode: restored from a backup, replaced by `mv`) or could not
/// be opened before; SQLite itself shows each request the latest committed data.
final class CheckBatch {
  /// The longest request line; Squid's are far shorter.
  static let maxLine = 8192

  let ctx: Context
  private var flows: FlowContext?

  init(_ ctx: Context) { self.ctx = ctx }

  /// Answers every line of stdin until its end. A line longer than `maxLine` ends the run (65)
  /// after a `BH` reply: the stream can no longer be trusted to be in step.
  func run() throws {
    while true {
      let line: [UInt8]?
      do {
        line = try Prompt.stdin.withLock { (reader) throws(LineReader.Failure) in
          try reader.readLine(limit: Self.maxLine)
        }
      } catch {
        ctx.out.line("BH message=\"request longer than \(Self.maxLine) bytes\"")
        ctx.out.flush()
        throw FlowError.invalidInput("a request line is longer than \(Self.maxLine) bytes")
      }
      guard let line else { return }
      ctx.out.line(answer(line))
      ctx.out.flush()
    }
  }

  /// The reply to one request line.
  func answer(_ line: [UInt8]) -> String {
    var words = line.split(separator: 0x20).map(Array.init)
    var channel = ""
    if words.count == 3, words[0].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
      channel = String(decoding: words.removeFirst(), as: UTF8.self) + " "
    }
    guard words.count == 2, let user = Self.unescape(words[0]),
      let secret = Self.unescape(words[1])
    else { return channel + refusal("malformed request: expected 'user password', URL-escaped") }
    do {
      let email = try CheckInput.utf8(user, what: "account")
      let password = try Prompt.checkedPassword(try CheckInput.utf8(secret, what: "password"))
      _ = try Check(try context()).run(
        email, password: password, recordLogin: ctx.invocation.flag(.recordLogin))
      return channel + "OK"
    } catch {
      let (message, status) = describe(error)
      switch status {
      case .noPermission, .dataError: return channel + refusal(message)
      default: return channel + "BH message=\(Self.quoted(message))"
      }
    }
  }

  /// `ERR`, with the reason only when `-v` asks for it (it is audited either way).
  private func refusal(_ reason: String) -> String {
    ctx.verbose ? "ERR message=\(Self.quoted(reason))" : "ERR"
  }

  /// The flows over the open database, reopened when the file at its path is another one.
  private func context() throws -> FlowContext {
    if let flows, !flows.store.wasReplaced { return flows }
    flows = nil
    let opened = try ctx.flows()
    flows = opened
    return opened
  }

  /// `%XX` decoded (RFC 3986 §2.1, as Squid's rfc1738_escape writes it); nil for a broken
  /// escape. `+` stays a `+`.
  static func unescape(_ word: [UInt8]) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(word.count)
    var i = 0
    while i < word.count {
      if word[i] == UInt8(ascii: "%") {
        guard i + 2 < word.count, let hi = hex(word[i + 1]), let lo = hex(word[i + 2]) else {
          return nil
        }
        out.append(hi << 4 | lo)
        i += 3
      } else {
        out.append(word[i])
        i += 1
      }
    }
    return out
  }

  static func hex(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  /// A Squid kv-pair value: in double quotes, `"` and `\` escaped, control characters dropped.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for u in text.unicodeScalars where u.value >= 0x20 && u.value != 0x7f {
      if u == "\"" || u == "\\" { out += "\\" }
      out.unicodeScalars.append(u)
    }
    return out + "\""
  }
}

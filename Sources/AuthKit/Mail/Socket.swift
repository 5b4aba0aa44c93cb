#if canImport(Glibc)
  import Glibc
#endif

/// A point in time on the monotonic clock, for per-command timeouts.
struct Deadline {
  let milliseconds: Int64

  static func now() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }

  static func after(seconds: Int64) -> Deadline {
    Deadline(milliseconds: now() + max(0, seconds) * 1000)
  }

  /// Milliseconds left, for `poll`; 0 once passed.
  var remaining: Int32 { Int32(clamping: max(0, milliseconds - Deadline.now())) }
}

/// Why a socket or TLS operation stopped, before the SMTP client adds its stage.
enum TransportFailure: Error {
  case timeout
  case closed
  case system(SystemError)
  case tls(String)
  case protocolViolation(String)
}

/// A non-blocking TCP socket, closed in `deinit`. Writes use `MSG_NOSIGNAL`, so a peer that
/// went away is an error, never a SIGPIPE.
final class Socket {
  let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  deinit { close(fd) }

  /// Connects to every address `getaddrinfo` gives for `host` in turn, each within `timeout`
  /// seconds (non-blocking connect and poll), and returns the first that answers.
  static func connect(host: String, port: Int, timeout: Int64) throws(MailError) -> Socket {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_ADDRCONFIG
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = getaddrinfo(host, String(port), &hints, &list)
    guard rc == 0, let list else {
      throw .connect("\(host): \(String(cString: gai_strerror(rc)))")
    }
    defer { freeaddrinfo(list) }
    var failures: [String] = []
    var entry: UnsafeMutablePointer<addrinfo>? = list
    while let info = entry?.pointee {
      entry = info.ai_next
      let name = numericHost(info.ai_addr, info.ai_addrlen)
      do throws(TransportFailure) {
        return try connect(info, timeout: timeout)
      } catch .timeout {
        failures.append("\(name) port \(port): timed out")
      } catch .system(let error) {
        failures.append("\(name) port \(port): \(String(cString: strerror(error.code)))")
      } catch {
        failures.append("\(name) port \(port): failed")
      }
    }
    throw .connect(failures.isEmpty ? "\(host): no address" : failures.joined(separator: "; "))
  }

  private static func connect(_ info: addrinfo, timeout: Int64) throws(TransportFailure) -> Socket {
    let type = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue)
    let fd: Int32
    do { fd = try systemCall("socket") { socket(info.ai_family, type, info.ai_protocol) } } catch {
      throw .system(error)
    }
    let sock = Socket(fd: fd)
    let deadline = Deadline.after(seconds: timeout)
    if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) != 0 {
      guard errno == EINPROGRESS || errno == EINTR else {
        throw .system(SystemError(operation: "connect", code: errno))
      }
      try sock.wait(for: Int16(POLLOUT), until: deadline)
      var error: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
      guard error == 0 else { throw .system(SystemError(operation: "connect", code: error)) }
    }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return sock
  }

  /// The numeric text of an address, for messages.
  private static func numericHost(_ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t)
    -> String
  {
    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard
      getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
    else { return "?" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Waits until `events` are ready or `deadline` passes.
  func wait(for events: Int16, until deadline: Deadline) throws(TransportFailure) {
    var pfd = pollfd(fd: fd, events: events, revents: 0)
    while true {
      let n = poll(&pfd, 1, deadline.remaining)
      if n > 0 { return }
      if n == 0 { throw .timeout }
      if errno != EINTR { throw .system(SystemError(operation: "poll", code: errno)) }
    }
  }

  /// Sends all of `bytes` before `deadline`.
  func send(_ bytes: [UInt8], until deadline: Deadline) throws(TransportFailure) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL))
      }
      if n > 0 {
        offset += n
        continue
      }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), until: deadline)
      case EPIPE, ECONNRESET: throw .closed
      default: throw .system(SystemError(operation: "send", code: errno))
      }
    }
  }

  /// Receives what is available (at most 16 KiB), waiting until `deadline`; `.closed` at EOF.
  func receive(until deadline: Deadline) throws(TransportFailure) -> [UInt8] {
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
      if n > 0 { return Array(buffer[0..<n]) }
      if n == 0 { throw .closed }
      switch errno {
      case EINTR: continue
      case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), until: deadline)
      case ECONNRESET: throw .closed
      default: throw .system(SystemError(operation: "recv", code: errno))
      }
    }
  }
}

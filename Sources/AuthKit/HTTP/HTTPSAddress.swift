/// An `https://` address as the client takes it (RFC 3986 §3, RFC 9110 §4.2.2): a host name or
/// IP literal (IPv6 in brackets), an optional port, and the path with its query. No user part,
/// no fragment, nothing but `https` (a request in clear would show what it asks to anyone on
/// the path).
public struct HTTPSAddress: Sendable, Equatable {
  public var host: String
  public var port: Int
  /// The path and query, from the first `/` (at least `/`).
  public var target: String

  init(host: String, port: Int, target: String) {
    self.host = host
    self.port = port
    self.target = target
  }

  public init(_ text: String) throws(HTTPError) {
    let lower = text.lowercased()
    guard lower.hasPrefix("https://") else {
      throw .badURL("'\(text)' is not an https:// address")
    }
    guard !text.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7f }) else {
      throw .badURL("the address holds a blank, a control or a non-ASCII character")
    }
    let rest = text.dropFirst("https://".count)
    let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
    let authority = rest[..<slash]
    var path = String(rest[slash...])
    if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
    if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
    guard !authority.contains("@") else { throw .badURL("a user part is not taken") }
    var hostPart = Substring(authority)
    var portText: Substring?
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else { throw .badURL("an unclosed '['") }
      hostPart = authority[authority.index(after: authority.startIndex)..<close]
      let after = authority[authority.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw .badURL("text after the IPv6 address") }
        portText = after.dropFirst()
      }
    } else if let colon = authority.lastIndex(of: ":") {
      hostPart = authority[..<colon]
      portText = authority[authority.index(after: colon)...]
    }
    guard !hostPart.isEmpty else { throw .badURL("no host") }
    host = String(hostPart)
    if let portText {
      guard let p = Int(portText), (1...65535).contains(p) else {
        throw .badURL("port '\(portText)' is not 1 to 65535")
      }
      port = p
    } else {
      port = 443
    }
    target = path
  }

  /// The `Host` header's value (RFC 9110 §7.2): the port only when not 443.
  public var hostHeader: String {
    let name = host.contains(":") ? "[\(host)]" : host
    return port == 443 ? name : "\(name):\(port)"
  }

  /// The address with `suffix` added to its path (a range API's prefix).
  public func appending(_ suffix: String) -> HTTPSAddress {
    var copy = self
    copy.target += suffix
    return copy
  }
}

/// A response of an HTTPS server: its status, headers in order, and whole body (RFC 9112).
public struct HTTPResponse: Sendable {
  public var status: Int
  public var reason: String
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  /// The first header named `name`, compared without case (RFC 9110 §5.1).
  public func header(_ name: String) -> String? {
    let lower = name.lowercased()
    return headers.first { $0.name.lowercased() == lower }?.value
  }
}

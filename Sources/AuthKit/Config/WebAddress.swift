/// A web address from the configuration (`APP_URL`), as given; links are made under it.
public struct WebAddress: Sendable, Equatable, CustomStringConvertible {
  /// The text as configured.
  public let text: String

  init(_ text: String) { self.text = text }

  /// The address without its trailing slashes, to put a path after.
  public var base: String {
    var base = text
    while base.hasSuffix("/") { base.removeLast() }
    return base
  }

  public var description: String { text }
}

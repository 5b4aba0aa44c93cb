/// The k-anonymity range query of Have I Been Pwned's Pwned Passwords API
/// (https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange): `GET {base}{PREFIX}`
/// with the first 5 hex digits of the password's SHA-1, answered by the 35-digit suffixes of
/// every hash with that prefix (`SUFFIX:COUNT` lines). `Add-Padding: true` asks for decoy
/// lines of count 0, so the response's size does not tell the prefix either; they never match.
public struct BreachRange: Sendable {
  public let base: HTTPSAddress
  public let client: HTTPClient

  public init(base: HTTPSAddress, client: HTTPClient) {
    self.base = base
    self.client = client
  }

  /// Whether the password with this SHA-1 appears in the API's corpus. Only the prefix leaves
  /// the machine.
  public func contains(sha1 digest: [UInt8]) throws(BreachError) -> Bool {
    let hex = Hex.encode(digest).uppercased()
    let prefix = String(hex.prefix(5))
    let suffix = Array(hex.dropFirst(5).utf8)
    let response: HTTPResponse
    do {
      response = try client.get(base.appending(prefix), headers: [("Add-Padding", "true")])
    } catch {
      throw .api(error.message)
    }
    guard response.status == 200 else {
      throw .api("\(base.hostHeader) answered \(response.status) \(response.reason)")
    }
    return Self.matches(response.body, suffix: suffix)
  }

  /// Whether a line `SUFFIX:COUNT` of `body` has `suffix` (without case) and a count above 0.
  static func matches(_ body: [UInt8], suffix: [UInt8]) -> Bool {
    for raw in body.split(separator: 10) {
      var line = raw
      if line.last == 13 { line = line.dropLast() }
      guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon - line.startIndex == 35
      else { continue }
      let candidate = line[..<colon].map { $0 >= 97 && $0 <= 102 ? $0 - 32 : $0 }
      guard candidate == suffix else { continue }
      let count = Int(String(decoding: line[(colon + 1)...], as: UTF8.self)) ?? 0
      if count > 0 { return true }
    }
    return false
  }
}

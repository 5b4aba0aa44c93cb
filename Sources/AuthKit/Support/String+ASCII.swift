/// Small ASCII helpers for parsing text that is ASCII by definition (addresses, settings).
extension String {
  /// Without leading and trailing ASCII blanks and line ends.
  public func trimmingASCIIWhitespace() -> String {
    let ws: Set<UInt8> = [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]
    let b = Array(utf8)
    guard let start = b.firstIndex(where: { !ws.contains($0) }),
      let end = b.lastIndex(where: { !ws.contains($0) })
    else { return "" }
    return String(decoding: b[start...end], as: UTF8.self)
  }

  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

/// Small ASCII helpers for parsing text that is ASCII by definition (addresses, settings).
extension String {
  /// Without leading and trailing ASCII blanks and line ends.
  public func trimmingASCIIWhitespace() -> String {
    func blank(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
    let u = utf8
    guard let first = u.first, let last = u.last else { return self }
    // Nothing to trim (the common case): no copy.
    if !blank(first) && !blank(last) { return self }
    guard let start = u.firstIndex(where: { !blank($0) }),
      let end = u.lastIndex(where: { !blank($0) })
    else { return "" }
    return String(decoding: u[start...end], as: UTF8.self)
  }

  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

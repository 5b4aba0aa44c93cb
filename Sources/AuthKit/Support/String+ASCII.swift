/// Small helpers for parsing text that is ASCII by definition (addresses, settings).
extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

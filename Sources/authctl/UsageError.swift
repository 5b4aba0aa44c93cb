/// A bad command line: exit 64, one line naming what is wrong, the nearest valid spelling
/// when there is one, and where to look (after swift-argument-parser's `ParserError`).
struct UsageError: Error {
  let message: String

  init(_ message: String) { self.message = message }

  /// `unknown option '--fromat'. Did you mean '--format'?`
  static func unknown(
    _ what: String, _ given: String, candidates: [String], prefix: String = "", context: String = ""
  ) -> UsageError {
    var text = "unknown \(what) '\(given)'\(context)."
    if let near = nearest(to: given, in: candidates) { text += " Did you mean '\(prefix)\(near)'?" }
    return UsageError(text)
  }

  /// The candidate within edit distance 2 (or of which `given` is a prefix), if any.
  static func nearest(to given: String, in candidates: [String]) -> String? {
    let key = given.drop { $0 == "-" }
    guard !key.isEmpty else { return nil }
    var best: (String, Int)?
    for c in candidates {
      let d = c.hasPrefix(key) ? 1 : distance(Array(key), Array(c))
      if d <= 2, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
  }

  /// Levenshtein distance.
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var current = [i + 1]
      for (j, cb) in b.enumerated() {
        current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }
}

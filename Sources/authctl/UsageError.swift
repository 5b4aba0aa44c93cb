/// A bad command line: exit 64, one line naming what is wrong, the nearest valid spelling
/// when there is one, and where to look (after swift-argument-parser's `ParserError`).
struct UsageError: Error {
  let message: String

  init(_ message: String) { self.message = message }

  /// `unknown option '--fromat'. Did you mean '--format'?`
  static func unknown(
    _ what: String, _ given: String, candidates: [String], prefix: String = "", context: String = ""
  ) -> UsageError {
    let near = nearest(to: given, in: candidates).map { ["\(prefix)\($0)"] } ?? []
    return unknown(what, given, suggesting: near, context: context)
  }

  /// `unknown command 'show'. Did you mean 'authctl users show' or 'authctl mail show'?`
  static func unknown(
    _ what: String, _ given: String, suggesting suggestions: [String], context: String = ""
  ) -> UsageError {
    var text = "unknown \(what) '\(given)'\(context)."
    if !suggestions.isEmpty {
      text += " Did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
    return UsageError(text)
  }

  /// The candidate within edit distance 2 (or of which `given` is a prefix), if any; the
  /// first of the closest.
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

  /// Damerau–Levenshtein distance, optimal string alignment variant: insertions, deletions,
  /// substitutions and transpositions of two adjacent characters each count one, so
  /// `confrim` is one edit from `confirm` (Damerau 1964; Boytsov 2011, §2 for the variant).
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // Three rows of the (a.count + 1) × (b.count + 1) matrix: i - 2, i - 1 and i.
    var older = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d = min(d, older[j - 2] + 1)
        }
        current[j] = d
      }
      (older, previous, current) = (previous, current, older)
    }
    return previous[b.count]
  }
}

/// Durations as operators write them: `90s`, `30m`, `48h`, `7d`, `2w` (a bare number is seconds).
public enum DurationText {
  /// The longest duration a setting may take: 100 years (36525d). Every time authctl stores is
  /// now plus at most this, so it stays far below year 9999 (the last year ISO-8601 text with
  /// four digits, and so the store, can hold) and far from `Int64` overflow.
  public static let maximum: Int64 = 36525 * 86_400

  /// Seconds in `text`, or nil when it is not of the form `<digits><s|m|h|d|w>`.
  public static func parse(_ text: String) -> Int64? {
    guard let last = text.last else { return nil }
    let unit: Int64
    var digits = Substring(text)
    switch last {
    case "s": unit = 1
    case "m": unit = 60
    case "h": unit = 3600
    case "d": unit = 86_400
    case "w": unit = 604_800
    case "0"..."9": unit = 1
    default: return nil
    }
    if unit != 1 || last == "s" { digits = digits.dropLast() }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
      let n = Int64(digits), n <= Int64.max / unit
    else { return nil }
    return n * unit
  }

  /// The shortest exact text for `seconds` (`1800` → `30m`).
  public static func format(_ seconds: Int64) -> String {
    for (unit, suffix) in [(Int64(604_800), "w"), (86_400, "d"), (3600, "h"), (60, "m")]
    where seconds != 0 && seconds % unit == 0 {
      return "\(seconds / unit)\(suffix)"
    }
    return "\(seconds)s"
  }
}

extension Duration {
  /// The whole seconds of the duration (the settings hold whole seconds only).
  public var wholeSeconds: Int64 { components.seconds }
}

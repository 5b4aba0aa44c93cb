#if canImport(Glibc)
  import Glibc
#endif

/// ISO-8601 UTC text for stored and printed times: `2026-11-25T12:00:00Z`. The codec of the
/// edges: the store's adapter formats and parses `Instant`s with it, the command line prints
/// them and reads `--since`; flows never see the text.
///
/// One fixed width, so SQLite compares them correctly as text (the original stored
/// `activated_at` as ISO-8601 text too).
public enum Timestamp {
  /// The times four-digit years can write: 0001-01-01T00:00:00Z through 9999-12-31T23:59:59Z.
  public static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

  /// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SSZ`. A time outside `range` is clamped to
  /// its nearest end, so the text never wraps into a wrong year (settings are bounded so that
  /// authctl never asks for one: `DurationText.maximum`).
  public static func format(_ seconds: Int64) -> String {
    var t = time_t(min(max(seconds, range.lowerBound), range.upperBound))
    var parts = tm()
    gmtime_r(&t, &parts)
    // One fixed-width buffer: this runs once per row of an import.
    var out: [UInt8] = Array("0000-00-00T00:00:00Z".utf8)
    func put(_ v: Int, _ end: Int, _ width: Int) {
      var v = max(0, v)
      for k in 0..<width {
        out[end - k] = UInt8(48 + v % 10)
        v /= 10
      }
    }
    put(Int(parts.tm_year) + 1900, 3, 4)
    put(Int(parts.tm_mon) + 1, 6, 2)
    put(Int(parts.tm_mday), 9, 2)
    put(Int(parts.tm_hour), 12, 2)
    put(Int(parts.tm_min), 15, 2)
    put(Int(parts.tm_sec), 18, 2)
    return String(decoding: out, as: UTF8.self)
  }

  /// `instant` as `YYYY-MM-DDTHH:MM:SSZ` (clamped to `range`, as `format(_:)` of its seconds).
  public static func format(_ instant: Instant) -> String { format(instant.seconds) }

  /// `instant` as `YYYY-MM-DDTHH:MM:SS+00:00`: the form authctl writes into the original app's
  /// `activated_at`, since Python's `datetime.fromisoformat` reads a `+00:00` offset from 3.7
  /// on but a `Z` only from 3.11 (the original runs on older Pythons).
  public static func formatWithOffset(_ instant: Instant) -> String {
    String(format(instant).dropLast()) + "+00:00"
  }

  /// The instant `text` names (any form `parse(_:)` reads), or nil.
  public static func instant(_ text: String) -> Instant? { parse(text).map(Instant.init(seconds:)) }

  /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM` or no zone (UTC),
  /// as ISO 8601 / RFC 3339 write them. Returns seconds since the epoch, or nil (also for a
  /// time an offset moves outside `range`).
  public static func parse(_ text: String) -> Int64? {
    let b = Array(text.utf8)
    var i = 0
    func number(_ width: Int) -> Int? {
      guard i + width <= b.count else { return nil }
      var v = 0
      for k in 0..<width {
        let c = b[i + k]
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
      }
      i += width
      return v
    }
    func expect(_ c: UInt8) -> Bool {
      guard i < b.count, b[i] == c else { return false }
      i += 1
      return true
    }
    guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0
    var offset = 0
    if i < b.count {
      guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }  // T, t or space
      i += 1
      guard let h = number(2), expect(58), let m = number(2) else { return nil }
      hour = h
      minute = m
      if expect(58) {
        guard let s = number(2) else { return nil }
        second = s
        if expect(46) {
          let start = i
          while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
          guard i > start else { return nil }
        }
      }
      if i < b.count {
        if b[i] == 90 || b[i] == 122 {
          i += 1
        } else if b[i] == 43 || b[i] == 45 {
          let sign = b[i] == 43 ? 1 : -1
          i += 1
          guard let oh = number(2) else { return nil }
          _ = expect(58)
          guard let om = number(2), oh < 24, om < 60 else { return nil }
          offset = sign * (oh * 3600 + om * 60)
        }
      }
      guard i == b.count else { return nil }
    }
    guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    let t = timegm(&parts)
    // timegm normalises 31 February into March; refuse dates that moved.
    guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
    let seconds = Int64(t) - Int64(offset)
    return range.contains(seconds) ? seconds : nil
  }
}

extension Mailer {
  /// The wait before attempt `attempts + 1`: 1 min, 5 min, 15 min, 1 h, then 4 h.
  static func backoff(afterAttempts attempts: Int) -> Int64 {
    let steps: [Int64] = [60, 300, 900, 3600]
    return attempts - 1 < steps.count ? steps[max(0, attempts - 1)] : 14_400
  }
}

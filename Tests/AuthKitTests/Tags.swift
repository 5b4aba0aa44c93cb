import Testing

extension Tag {
  /// A suite that takes seconds (servers, races, kills, timeouts): the fast local set skips it
  /// (README, "Tests"); CI runs everything.
  @Tag static var slow: Self
}

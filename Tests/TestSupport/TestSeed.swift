import Foundation

/// The random generator of a randomised test (kill moments, launch orders, mangled inputs): its
/// seed is printed, and `AUTHCTL_TEST_SEED=<seed>` replays it (with `--filter` for the test).
/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014):
/// small, and the same sequence on every platform.
public struct TestSeed: RandomNumberGenerator {
  public let seed: UInt64
  private var state: UInt64

  /// The seed of `AUTHCTL_TEST_SEED`, else a fresh one; printed with `label`.
  public init(_ label: String) {
    let given = ProcessInfo.processInfo.environment["AUTHCTL_TEST_SEED"].flatMap { UInt64($0) }
    seed = given ?? UInt64.random(in: 0...UInt64.max)
    state = seed
    print(
      "\(label): seed \(seed)\(given == nil ? "" : " (given)"); replay with AUTHCTL_TEST_SEED=\(seed)"
    )
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

// breached-bench: lookups in a breached-password corpus through AuthKit's `BreachCorpus` (the
// memory-mapped binary search `AUTHCTL_BREACHED_FILE` uses), timed in-process with a monotonic
// clock. Used by bench/breached.sh; not part of the authctl binary.
//
// It takes K hashes present in FILE (lines at random offsets, read with pread) and K absent
// ones (each present one with its last hex digit changed), then times each lookup: first
// "cold", after the file's pages were dropped from the page cache (posix_fadvise
// POSIX_FADV_DONTNEED, the file only) and the corpus mapped afresh, then "warm", the same
// lookups again. Prints one line per pass: count, median, p99, max (milliseconds), lookups/s.
// Usage: breached-bench FILE [K]   (default 1000)
import AuthKit
import Foundation  // String(format:)

#if canImport(Glibc)
  import Glibc
#endif

func seconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
  print("usage: breached-bench FILE [K]")
  exit(64)
}
let path = arguments[1]
let k = arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000
let fd = open(path, O_RDONLY)
precondition(fd >= 0, "cannot open \(path)")
var st = stat()
fstat(fd, &st)
let size = Int(st.st_size)

/// The hash of the first whole line at or after `offset`.
func hash(after offset: Int) -> [UInt8]? {
  var buffer = [UInt8](repeating: 0, count: 128)
  let n = pread(fd, &buffer, 128, off_t(offset))
  guard n > 0, let lf = buffer[0..<n].firstIndex(of: 10), lf + 41 <= n else { return nil }
  return Hex.decode(String(decoding: buffer[(lf + 1)..<(lf + 41)], as: UTF8.self))
}

var present: [[UInt8]] = []
while present.count < k {
  if let h = hash(after: Int.random(in: 0..<max(1, size - 200))) { present.append(h) }
}
let absent = present.map { h -> [UInt8] in
  var a = h
  a[19] ^= 0x01
  return a
}
let queries = zip(present, absent).flatMap { [($0, true), ($1, false)] }

func pass(_ label: String, _ corpus: BreachCorpus) {
  var times: [Double] = []
  times.reserveCapacity(queries.count)
  let start = seconds()
  for (digest, expected) in queries {
    let t = seconds()
    let found = corpus.contains(sha1: digest)
    times.append(seconds() - t)
    // An absent hash made from a present one could be present by chance (1 in 2^135).
    precondition(found == expected || !expected, "a present hash was not found")
  }
  let total = seconds() - start
  times.sort()
  let ms = { (x: Double) in String(format: "%.4f", x * 1000) }
  print(
    "\(label) lookups=\(times.count) median_ms=\(ms(times[times.count / 2])) "
      + "p99_ms=\(ms(times[times.count * 99 / 100])) max_ms=\(ms(times.last!)) "
      + "per_second=\(Int(Double(times.count) / total))")
}

posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
let corpus = try BreachCorpus(path: path)
pass("cold", corpus)
pass("warm", corpus)

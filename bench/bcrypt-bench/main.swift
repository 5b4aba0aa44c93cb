// bcrypt-bench: hashes one password with AuthKit's PasswordHasher (libxcrypt $2b$) and prints
// the seconds the hash took, measured in-process with a monotonic clock. Used by
// bench/bcrypt.sh side by side with python bcrypt; not part of the authctl binary.
// Usage: bcrypt-bench [COST]   (default 12)
import AuthKit

#if canImport(Glibc)
  import Glibc
#endif

func seconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let cost = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 12 : 12
let hasher = try PasswordHasher(cost: cost)
let start = seconds()
let hash = try hasher.hash("correct horse battery staple")
let elapsed = seconds() - start
precondition(hash.hasPrefix("$2b$"))
print(elapsed)

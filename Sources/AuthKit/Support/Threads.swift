#if canImport(Glibc)
  import Glibc
#endif

/// Blocking work side by side on POSIX threads (pthreads(7)): each body gets its own thread,
/// so a body that waits on a socket never holds up another (Swift's cooperative pool has one
/// thread per core and must not block).
enum Threads {
  /// Runs `body(0)` on the calling thread and `body(1)` … `body(count - 1)` on new threads,
  /// and returns when every one has returned. A thread that cannot be created runs its body
  /// on the calling thread afterwards.
  static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    var started: [pthread_t] = []
    var inline: [Int] = []
    for index in 1..<max(1, count) {
      let box = Unmanaged.passRetained(Job { body(index) }).toOpaque()
      var thread = pthread_t()
      let rc = pthread_create(
        &thread, nil,
        { raw in
          Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().body()
          return nil
        }, box)
      if rc == 0 {
        started.append(thread)
      } else {
        Unmanaged<Job>.fromOpaque(box).release()
        inline.append(index)
      }
    }
    body(0)
    for index in inline { body(index) }
    for thread in started { pthread_join(thread, nil) }
  }

  /// A body handed to a new thread.
  private final class Job {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }
}

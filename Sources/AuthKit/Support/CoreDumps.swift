import CProcess

#if canImport(Glibc)
  import Glibc
#endif

/// Keeps passwords and secrets out of core files and out of other processes of the same user.
///
/// `setrlimit(RLIMIT_CORE, 0)` (setrlimit(2)) means a crash writes no core file, and
/// `prctl(PR_SET_DUMPABLE, 0)` (prctl(2)) also stops core dumps through a `core_pattern` pipe
/// and makes `/proc/PID/mem`, `environ` and ptrace unavailable to the user's other processes
/// (the files of `/proc/PID` then belong to root). Both last for the life of the process.
public enum CoreDumps {
  /// Disables core dumps of this process; throws when the kernel refuses either call.
  public static func disable() throws(FlowError) {
    var limit = rlimit(rlim_cur: 0, rlim_max: 0)
    if setrlimit(Int32(RLIMIT_CORE.rawValue), &limit) != 0 {
      throw .internalError(
        "cannot disable core dumps: "
          + SystemError(operation: "setrlimit RLIMIT_CORE", code: errno).text)
    }
    if cprocess_set_dumpable(0) != 0 {
      throw .internalError(
        "cannot disable core dumps: "
          + SystemError(operation: "prctl PR_SET_DUMPABLE", code: errno).text)
    }
  }

  /// True when this process may dump core (`PR_GET_DUMPABLE`).
  public static var dumpable: Bool { cprocess_get_dumpable() != 0 }
}

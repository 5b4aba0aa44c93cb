/// An observer that hears nothing: for callers with no one to tell.
public struct SilentObserver: Observer {
  public init() {}

  public func notice(_ text: String) {}
  public func warn(_ text: String) {}
  public func transcript(_ line: String) {}
  public func progress(_ label: String, total: Int?) -> any ProgressDisplay { NoProgress() }

  /// A progress display that shows nothing.
  final class NoProgress: ProgressDisplay {
    func update(_ done: Int) {}
    func working() {}
    func finish() {}
  }
}

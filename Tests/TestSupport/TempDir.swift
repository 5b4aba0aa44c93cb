import Foundation

/// A fresh folder under the system's temporary directory, removed when the value dies.
public final class TempDir: @unchecked Sendable {
  public let url: URL
  public var path: String { url.path }

  /// A folder under `parent` (default: the system's temporary directory).
  public init(_ label: String = "authctl", in parent: URL? = nil) throws {
    let base = parent ?? FileManager.default.temporaryDirectory
    url = base.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// The path of `name` inside the folder.
  public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

  deinit { try? FileManager.default.removeItem(at: url) }
}

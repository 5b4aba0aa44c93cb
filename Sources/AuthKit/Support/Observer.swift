/// Hears what AuthKit has to tell the person running it besides results: notices, warnings,
/// the progress of long work and the SMTP transcript. AuthKit itself writes nothing to stderr
/// and never exits (DESIGN.md); the program injects an observer — authctl's writes
/// `authctl: …` lines to stderr and honours `-q`, a test's records what it hears.
///
/// Texts may hold what came from outside (a file name, a server's reply): an observer that
/// shows them on a terminal escapes them (`TerminalText`).
public protocol Observer: Sendable {
  /// Something worth a line that is not a result (where a mail went, a database created).
  func notice(_ text: String)
  /// Something wrong that did not stop the work (a line of the env file skipped).
  func warn(_ text: String)
  /// One line of the SMTP transcript (`MAIL_DEBUG`): `C: …` or `S: …`, AUTH payloads
  /// replaced by `****`, the message content by its size, controls already escaped.
  func transcript(_ line: String)
  /// A display of the progress of long work named `label` (`total` items, when known); the
  /// work reports on it and finishes it.
  func progress(_ label: String, total: Int?) -> any ProgressDisplay
}

/// The progress of one piece of long work (import, export, purge, mail delivery), as an
/// `Observer` shows it.
public protocol ProgressDisplay: AnyObject {
  /// `done` items are finished.
  func update(_ done: Int)
  /// `rows` are done, of an input of unknown count of which `fraction` (0…1) is read: a
  /// display may show the rate and the time left (an import).
  func update(rows: Int, fraction: Double?)
  /// The work is under way, in one step (a purge is one DELETE).
  func working()
  /// The work is over: whatever was shown goes.
  func finish()
}

extension ProgressDisplay {
  /// By default, the rows alone.
  public func update(rows: Int, fraction: Double?) { update(rows) }
}

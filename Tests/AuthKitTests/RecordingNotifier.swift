import AuthKit
import Synchronization

/// A `Notifier` for flow tests: records each batch it is given (the rows as the outbox handed
/// them over) and answers each message with the next scripted outcome (`.sent` once the script
/// is used up). `untried` messages are left unreported, as a broken connection leaves them.
final class RecordingNotifier: Notifier, @unchecked Sendable {
  let channel: NotificationChannel
  let batchSize: Int
  private let state = Mutex<
    (batches: [[OutboxItem]], script: [DeliveryOutcome], admitted: [String])
  >(
    ([], [], []))

  init(_ channel: NotificationChannel = .mail, batchSize: Int = 50) {
    self.channel = channel
    self.batchSize = batchSize
  }

  var destination: String { "the recorder of \(channel.rawValue)" }

  /// The batches delivered so far, oldest first.
  var batches: [[OutboxItem]] { state.withLock { $0.batches } }
  /// Every message delivered so far.
  var items: [OutboxItem] { batches.flatMap { $0 } }
  /// The addresses of the notifications admitted to the outbox.
  var admitted: [String] { state.withLock { $0.admitted } }

  /// The outcomes of the next messages, in order.
  func script(_ outcomes: DeliveryOutcome...) {
    state.withLock { $0.script += outcomes }
  }

  func admit(_ notice: Notice, to address: String) throws -> String {
    state.withLock { $0.admitted.append(address) }
    return "recorded-\(address)"
  }

  func deliver(_ batch: [OutboxItem], to outcomes: DeliveryRecorder) throws {
    state.withLock { $0.batches.append(batch) }
    for item in batch {
      let outcome = state.withLock { $0.script.isEmpty ? .sent : $0.script.removeFirst() }
      if case .untried = outcome { return }
      try outcomes.record(item, outcome)
    }
  }
}

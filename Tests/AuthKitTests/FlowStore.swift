import AuthKit
import Foundation
import TestSupport
import Testing

/// The store a `FlowWorld` is made over (issue 13: every FlowTest runs on both). The
/// `.bothStores` trait runs each test once per store, SQLite first; PostgreSQL runs when this
/// build has it (the `PostgreSQL` trait) and a server starts, or always under `CI=true`, where
/// a missing one fails instead of being skipped.
enum FlowStore: String, Sendable {
  case sqlite, postgres

  @TaskLocal static var current: FlowStore = .sqlite

  static let kinds: [FlowStore] =
    PostgresServer.runsCases(built: StoreLocation.postgresSupported, label: "FlowTests")
    ? [.sqlite, .postgres] : [.sqlite]

  static var postgresUnavailable: String? {
    PostgresServer.unavailableReason(built: StoreLocation.postgresSupported)
  }

  /// A fresh, migrated store of the current kind; a SQLite one at `sqlitePath`.
  static func store(sqlitePath: String, _ context: MigrationContext) throws -> any Store {
    let store: any Store
    switch current {
    case .sqlite:
      store = try SQLiteStore(path: sqlitePath, create: true)
    case .postgres:
      if let reason = postgresUnavailable { throw TestSupportError("PostgreSQL: \(reason)") }
      let server = try PostgresServer.shared.get()
      store = try StoreLocation(server.url(try server.newDatabase("flow"))).open(create: false)
    }
    _ = try store.migrate(context)
    return store
  }
}

/// Runs each test of the suite it marks once per `FlowStore.kinds`, the store in
/// `FlowStore.current`; an error thrown on PostgreSQL names the store.
struct BothStores: TestTrait, SuiteTrait, TestScoping {
  var isRecursive: Bool { true }

  func scopeProvider(for test: Test, testCase: Test.Case?) -> BothStores? {
    test.isSuite ? nil : self
  }

  func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    for kind in FlowStore.kinds {
      do {
        try await FlowStore.$current.withValue(kind) { try await function() }
      } catch {
        throw kind == .sqlite ? error : TestSupportError("on PostgreSQL: \(error)")
      }
    }
  }
}

extension Trait where Self == BothStores {
  /// Each test once on SQLite and once on PostgreSQL.
  static var bothStores: Self { BothStores() }
}

import AuthKit
import Foundation
import TestSupport
import Testing

extension FlowTests {
  /// The kernel itself (`FlowContext.run`, `FlowRun`): what commits, what is delivered, what
  /// is recorded, for each way a run ends.
  @Suite struct Kernel {
    struct Odd: Error {}

    /// A run that succeeds commits its writes and its own record, then delivers what it
    /// queued.
    @Test func successCommitsRecordsAndDelivers() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      let mailsBefore = try w.mails().count
      let delivered = try w.ctx.run("probe") { run in
        try run.write { tx in
          try run.queue(tx, "probe", to: a, Notice(subject: "Probe", text: "Hello"))
          try run.succeeded(tx, a, detail: "probed")
        }
        return run.delivery.delivered.count
      }
      #expect(try delivered == 1 && w.mails().count == mailsBefore + 1)
      #expect(try w.audit("probe").map(\.ok) == [true])
    }

    /// An error of any type rolls the transaction back — its queued mail with it — and is
    /// recorded in a transaction of its own, with the words of the error.
    @Test func anyErrorRollsBackAndIsRecorded() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      let mailsBefore = try w.mails().count
      for error in [
        FlowError.refused("no") as any Error, FlowError.tryLater("later"),
        FlowError.noSuchAccount("who"), MailError.floodGuard(recipient: a.email, limit: 1),
        TokenError.invalid, Odd(),
      ] {
        #expect(throws: (any Error).self) {
          try w.ctx.run("probe", email: a.email) { run in
            try run.write { tx in
              var changed = try #require(try tx.account(id: a.id))
              changed.failedLogins = 7
              try tx.updateAccount(changed)
              try run.queue(tx, "probe", to: a, Notice(subject: "Probe", text: "Hello"))
              throw error
            }
          }
        }
      }
      #expect(try w.account().failedLogins == 0 && w.mails().count == mailsBefore)
      let failed = try w.failures("probe")
      #expect(failed.count == 6)
      #expect(failed[3].contains("too many messages") && failed[4] == "invalid token")
      #expect(failed[5].hasPrefix("internal error"))
    }

    /// `CommitAndRefuse` keeps what the transaction wrote, records the refusal in that same
    /// transaction, delivers what it queued, and throws the error it carries, once recorded.
    @Test func commitAndRefuseKeepsTheWritesAndRecordsOnce() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      let mailsBefore = try w.mails().count
      do {
        try w.ctx.run("probe") { run in
          run.about(a)
          try run.write { tx in
            var changed = try #require(try tx.account(id: a.id))
            changed.failedLogins = 3
            try tx.updateAccount(changed)
            try run.queue(tx, "probe", to: a, Notice(subject: "Probe", text: "Hello"))
            throw CommitAndRefuse(FlowError.refused("counted"))
          }
        }
        Issue.record("not refused")
      } catch let FlowError.refused(message) {
        #expect(message == "counted")
      }
      #expect(try w.account().failedLogins == 3, "the count was committed")
      #expect(try w.mails().count == mailsBefore + 1, "and its mail delivered")
      #expect(w.reports.last?.delivered.count == 1, "and reported")
      #expect(try w.failures("probe") == ["counted"], "recorded once")
    }

    /// Bad input (65) and the store's own failures leave no record.
    @Test func badInputAndStoreFailuresAreNotRecorded() throws {
      let w = try FlowWorld()
      for error in [
        FlowError.invalidInput("malformed") as any Error, PasswordRejection.tooShort(12),
        StoreError.engine(kind: .busy, message: "database busy, retry"),
      ] {
        #expect(throws: (any Error).self) { try w.ctx.run("probe") { _ in throw error } }
      }
      #expect(try w.audit().isEmpty)
    }

    /// A refusal after a committed write (the login's reservation) keeps the write and is
    /// recorded by the run.
    @Test func aRefusalAfterACommitIsRecorded() throws {
      let w = try FlowWorld()
      let a = try w.confirmedAccount()
      #expect(throws: FlowError.self) {
        try w.ctx.run("probe", email: a.email) { run in
          try run.write { tx in try run.note(tx, "side", a, ok: false, reason: "noted") }
          throw FlowError.refused("after")
        }
      }
      #expect(try w.audit("side").count == 1)
      #expect(try w.failures("probe") == ["after"])
    }
  }
}

/// Accounts (`users`). Emails compare without case (the unique index's rule).
public protocol AccountRecords {
  func account(email: String) throws(StoreError) -> Account?
  func account(id: String) throws(StoreError) -> Account?
  /// True when an account has this email (a cheap check, for imports).
  func hasAccount(email: String) throws(StoreError) -> Bool
  /// Adds a new account row.
  func insertAccount(_ account: Account) throws(StoreError)
  /// Adds an account read from line `line` of an import (issue 17: one pass, no list of the
  /// file's emails in memory) unless its email is taken — by an account that was there before
  /// this transaction's first `importAccount` (`.existing`), or by an earlier call's
  /// (`.repeated`, with that call's line). Lines grow from call to call. Costs one statement
  /// per row when the email is free.
  func importAccount(_ account: Account, line: Int) throws(StoreError) -> ImportOutcome
  /// Writes every field of `account` back to its row; false when the row is gone.
  @discardableResult func updateAccount(_ account: Account) throws(StoreError) -> Bool
  /// Deletes the account with its sessions, codes and outbox rows; audit events stay.
  @discardableResult func deleteAccount(id: String) throws(StoreError) -> Bool
  /// Emails of unconfirmed accounts created before `cutoff`, in the order they were added.
  func unconfirmedEmails(createdBefore cutoff: Instant) throws(StoreError) -> [String]
  /// Deletes unconfirmed accounts created before `cutoff` (and their outbox rows); returns how
  /// many.
  func deleteUnconfirmed(createdBefore cutoff: Instant) throws(StoreError) -> Int
  /// `id, email, status, created_at, activated_at, last_login_at` of the matching accounts, in
  /// the order they were added, `status` as at `now` (`Account.status`), the times as UTC
  /// ISO 8601 (`…Z`) whatever form the original app stored them in. Never the hash.
  func listAccounts(_ filter: AccountFilter, now: Instant) throws(StoreError) -> any RowCursor
  /// Accounts by status at `now` (each counted once, as `Account.status` ranks them), and
  /// the unconfirmed ones created before `unconfirmedBefore` (what a purge at that age
  /// removes). Cheap on millions of accounts: counts over indexes.
  func accountCounts(now: Instant, unconfirmedBefore: Instant) throws(StoreError)
    -> AccountCounts
  /// Calls `body` with every account, whole, in the order they were added; rows stream (the
  /// htpasswd export decides each one with `AccountAccess`).
  func eachAccount(_ body: (Account) throws -> Void) throws
  /// `email, password_hash, activated_at, created_at, expires_at` of every account, in the
  /// order they were added (the import format); the hash column is null unless `withHashes`.
  func exportAccounts(withHashes: Bool) throws(StoreError) -> any RowCursor
  /// Marks every account not yet marked as needing a new password (`users require-reset
  /// --all`); returns how many were marked.
  func requireResetAll(at: Instant, reason: String?) throws(StoreError) -> Int
}

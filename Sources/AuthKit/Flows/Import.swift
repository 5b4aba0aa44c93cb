#if canImport(Glibc)
  import Glibc
#endif

/// What an import did.
public struct ImportResult: Sendable {
  public var imported: Int
  public var skipped: Int
}

/// `users import` (issues 6 and 17): one pass over the input inside one write transaction —
/// each record read, checked and inserted before the next is read, so memory stays flat
/// however many rows come. All or nothing: any bad record rolls the whole import back, and the
/// error lists the first problems by line (`maxProblemsShown`) and how many there were.
///
/// Duplicates are found by the store's unique email index, not by a list of the file's
/// emails: `AccountRecords.importAccount` tells an account from before the import from an
/// earlier line of it (and which line).
public struct Import {
  let ctx: FlowContext
  /// `n` random bytes (OpenSSL's generator), for the new accounts' ids (`AscendingUUIDs`).
  let randomBytes: (Int) throws -> [UInt8]

  /// Problems listed in the error; the rest are counted.
  public static let maxProblemsShown = 20

  public init(
    _ ctx: FlowContext, randomBytes: @escaping (Int) throws -> [UInt8] = { try Random.bytes($0) }
  ) {
    self.ctx = ctx
    self.randomBytes = randomBytes
  }

  /// Imports FILE, or stdin for `-`: missing, unreadable or a directory → 66; a read error
  /// → 74.
  public func run(
    path: String, format: RecordFormat, skipExisting: Bool, allowExpensiveHashes: Bool = false
  ) throws -> ImportResult {
    let fd = try Self.open(path)
    defer { if fd != 0 { close(fd) } }
    return try run(
      ByteSource(fd: fd), format: format, skipExisting: skipExisting,
      allowExpensiveHashes: allowExpensiveHashes)
  }

  /// Imports `bytes` already in memory (tests, small inputs).
  public func run(
    _ bytes: [UInt8], format: RecordFormat, skipExisting: Bool, allowExpensiveHashes: Bool = false
  ) throws -> ImportResult {
    try run(
      ByteSource(bytes), format: format, skipExisting: skipExisting,
      allowExpensiveHashes: allowExpensiveHashes)
  }

  /// Imports what `input` holds in `format`. `skipExisting` skips emails already present
  /// instead of refusing them. A hash too slow to check at each login (`HashFormat.expense`)
  /// is refused unless `allowExpensiveHashes` (DESIGN.md: hashes from input are checked at a
  /// bounded cost).
  public func run(
    _ input: ByteSource, format: RecordFormat, skipExisting: Bool,
    allowExpensiveHashes: Bool = false
  ) throws -> ImportResult {
    let now = ctx.now()
    var reader = ImportReader(input, format: format)
    let progress = ctx.observer.progress("importing", total: nil)
    defer { progress.finish() }
    // One pass over a stream: the body runs once (an engine that retries a transaction on a
    // conflict must not retry this one; SQLite's bulk write never does).
    return try ctx.run("admin.import") { run in
      try run.write(bulk: true) { tx in
        var problems: [ImportParser.Problem] = []
        var problemCount = 0
        func note(_ problem: ImportParser.Problem) {
          problemCount += 1
          if problems.count < Self.maxProblemsShown { problems.append(problem) }
        }
        var imported = 0
        var skipped = 0
        var records = 0
        // Random ids handed out in ascending order: each block enters the id index in one
        // sweep.
        var ids = AscendingUUIDs(randomBytes: randomBytes)
        var id: String?
        while let item = try reader.next() {
          records += 1
          if records % 4096 == 0 {
            let fraction = reader.totalBytes.map { Double(reader.offset) / Double(max($0, 1)) }
            progress.update(rows: records, fraction: fraction)
          }
          guard case .record(let line, let r) = item else {
            if case .problem(let p) = item { note(p) }
            continue
          }
          var rowProblems: [String] = []
          var email = ""
          do throws(FlowError) { email = try EmailAddress.normalize(r.email) } catch {
            rowProblems.append(error.message)
          }
          let hash = r.passwordHash ?? ""
          var goodHash: String? = hash.isEmpty ? nil : hash
          if !hash.isEmpty, let p = HashFormat.problem(hash) {
            rowProblems.append("password_hash is \(p)")
            goodHash = nil
          } else if !hash.isEmpty, !allowExpensiveHashes, let p = HashFormat.expense(hash) {
            rowProblems.append("password_hash is \(p); add --allow-expensive-hashes to take it")
            goodHash = nil
          }
          let activated = time(r.activatedAt, "activated_at", &rowProblems)
          let created = time(r.createdAt, "created_at", &rowProblems) ?? now
          let expires = time(r.expiresAt, "expires_at", &rowProblems)
          if !email.isEmpty {
            // Inserted even when another field is bad (the import is lost anyway), so a later
            // line with the same email is still told which line had it first. An id not taken
            // (the email was) serves the next row.
            if id == nil { id = try ids.next() }
            let account = Account(
              id: id!, email: email, passwordHash: goodHash, activatedAt: activated,
              createdAt: created, updatedAt: now, disabledAt: nil, failedLogins: 0,
              lockedUntil: nil, lastLoginAt: nil, passwordGenerated: false, stamp: nil,
              expiresAt: expires)
            switch try tx.importAccount(account, line: line) {
            case .added:
              id = nil
            case .existing:
              if skipExisting {
                skipped += 1
                continue
              }
              rowProblems.insert("\(email) already has an account (use --skip-existing)", at: 0)
            case .repeated(let first):
              rowProblems.insert("\(email) appears already on line \(first)", at: 0)
            }
          }
          if !rowProblems.isEmpty {
            note(ImportParser.Problem(line: line, text: rowProblems.joined(separator: "; ")))
            continue
          }
          imported += 1
        }
        progress.update(rows: records, fraction: 1)
        if problemCount > 0 {
          let shown = problems.map(\.description)
          let more =
            problemCount > shown.count ? "\n  … and \(problemCount - shown.count) more" : ""
          throw FlowError.invalidInput(
            "nothing imported: \(problemCount) bad row(s)\n  "
              + shown.joined(separator: "\n  ") + more)
        }
        try run.succeeded(
          tx, nil, detail: "imported \(imported) account(s), skipped \(skipped)")
        return ImportResult(imported: imported, skipped: skipped)
      }
    }
  }

  /// A descriptor on FILE, or 0 (stdin) for `-`. Missing, unreadable or a directory → 66.
  public static func open(_ path: String) throws(FlowError) -> Int32 {
    let fd: Int32
    do {
      fd =
        path == "-"
        ? 0 : try systemCall("open \(path)") { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
    } catch {
      throw .noInput("cannot read \(path): \(String(cString: strerror(error.code)))")
    }
    var st = stat()
    if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
      if fd != 0 { close(fd) }
      throw .noInput("cannot read \(path): it is a directory")
    }
    return fd
  }

  /// An optional ISO-8601 time of the file (an input edge, as the store's is), or a problem.
  func time(_ text: String?, _ name: String, _ problems: inout [String]) -> Instant? {
    guard let text, !text.isEmpty else { return nil }
    guard let instant = Timestamp.instant(text) else {
      problems.append("\(name) '\(EmailAddress.printable(text))' is not an ISO 8601 time")
      return nil
    }
    return instant
  }
}

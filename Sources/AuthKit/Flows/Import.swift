#if canImport(Glibc)
  import Glibc
#endif

/// What an import did.
public struct ImportResult: Sendable {
  public var imported: Int
  public var skipped: Int
}

/// `users import`: every row is validated first; errors list their line numbers and nothing is
/// written; otherwise all rows go in one transaction (issue 6).
public struct Import {
  let ctx: FlowContext
  /// Makes the ids of `n` new accounts (UUID v4 from OpenSSL's generator).
  let newIDs: (Int) throws -> [String]

  public init(
    _ ctx: FlowContext, newIDs: @escaping (Int) throws -> [String] = { try Random.uuid4s($0) }
  ) {
    self.ctx = ctx
    self.newIDs = newIDs
  }

  /// Imports `bytes` in `format`. `skipExisting` skips emails already present instead of
  /// refusing them. A hash too slow to check at each login (`HashFormat.expense`) is refused
  /// unless `allowExpensiveHashes` (DESIGN.md: hashes from input are checked at a bounded cost).
  public func run(
    _ bytes: [UInt8], format: RecordFormat, skipExisting: Bool, allowExpensiveHashes: Bool = false
  ) throws -> ImportResult {
    let (records, parseProblems) = ImportParser.parse(bytes, format: format)
    var problems = parseProblems
    let now = ctx.now()
    let progress = ctx.observer.progress("importing", total: records.count)
    defer { progress.finish() }
    return try ctx.run("admin.import") { run in
      try run.write(bulk: true) { tx in
        problems = parseProblems  // the body may run again (Store.write)
        var accounts: [Account] = []
        accounts.reserveCapacity(records.count)
        var seen: [String: Int] = [:]
        seen.reserveCapacity(records.count)
        var skipped = 0
        for (line, r) in records {
          var rowProblems: [String] = []
          var email = ""
          do throws(FlowError) { email = try EmailAddress.normalize(r.email) } catch {
            rowProblems.append(error.message)
          }
          if !email.isEmpty {
            if let first = seen[email] {
              rowProblems.append("\(email) appears already on line \(first)")
            } else {
              seen[email] = line
              if try tx.hasAccount(email: email) {
                if skipExisting {
                  skipped += 1
                  continue
                }
                rowProblems.append("\(email) already has an account (use --skip-existing)")
              }
            }
          }
          let hash = r.passwordHash ?? ""
          if !hash.isEmpty, let p = HashFormat.problem(hash) {
            rowProblems.append("password_hash is \(p)")
          } else if !hash.isEmpty, !allowExpensiveHashes, let p = HashFormat.expense(hash) {
            rowProblems.append("password_hash is \(p); add --allow-expensive-hashes to take it")
          }
          let activated = time(r.activatedAt, "activated_at", &rowProblems)
          let created = time(r.createdAt, "created_at", &rowProblems) ?? now
          let expires = time(r.expiresAt, "expires_at", &rowProblems)
          if !rowProblems.isEmpty {
            problems.append(
              ImportParser.Problem(line: line, text: rowProblems.joined(separator: "; ")))
            continue
          }
          accounts.append(
            Account(
              id: "", email: email, passwordHash: hash.isEmpty ? nil : hash,
              activatedAt: activated, createdAt: created, updatedAt: now, disabledAt: nil,
              failedLogins: 0, lockedUntil: nil, lastLoginAt: nil, passwordGenerated: false,
              stamp: nil, expiresAt: expires))
        }
        if !problems.isEmpty {
          problems.sort { $0.line < $1.line }
          let shown = problems.prefix(20).map(\.description)
          let more = problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""
          throw FlowError.invalidInput(
            "nothing imported: \(problems.count) bad row(s)\n  "
              + shown.joined(separator: "\n  ") + more)
        }
        let ids = try newIDs(accounts.count)
        for i in accounts.indices { accounts[i].id = ids[i] }
        for (n, a) in accounts.enumerated() {
          try tx.insertAccount(a)
          if n % 1024 == 0 { progress.update(n) }
        }
        progress.update(accounts.count)
        try run.succeeded(
          tx, nil, detail: "imported \(accounts.count) account(s), skipped \(skipped)")
        return ImportResult(imported: accounts.count, skipped: skipped)
      }
    }
  }

  /// The most bytes of an import file (some ten million rows): a bigger one is refused (65).
  public static let maxFileBytes = 1 << 30

  /// The whole content of FILE, or of stdin for `-`. Missing, unreadable or a directory → 66;
  /// a read error → 74; more than `limit` bytes → 65.
  public static func readInput(_ path: String, limit: Int = maxFileBytes) throws(FlowError)
    -> [UInt8]
  {
    let fd: Int32
    do {
      fd = path == "-" ? 0 : try systemCall("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
    } catch {
      throw .noInput("cannot read \(path): \(String(cString: strerror(error.code)))")
    }
    defer { if fd != 0 { close(fd) } }
    var st = stat()
    if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
      throw .noInput("cannot read \(path): it is a directory")
    }
    let bytes: [UInt8]
    do {
      bytes = try readAll(fd, "read \(path)", limit: limit)
    } catch {
      throw .io("cannot read \(path): \(String(cString: strerror(error.code)))")
    }
    guard bytes.count <= limit else {
      throw .invalidInput(
        "\(path) is larger than \(limit >> 20) MiB; split it into several imports")
    }
    return bytes
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

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
  public let store: any Store
  public let clock: Clock
  /// Makes the ids of `n` new accounts (UUID v4 from OpenSSL's generator).
  public let newIDs: (Int) throws -> [String]
  /// Shows the import's progress.
  public let observer: any Observer

  public init(
    store: any Store, clock: Clock, observer: any Observer,
    newIDs: @escaping (Int) throws -> [String]
  ) {
    self.store = store
    self.clock = clock
    self.observer = observer
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
    let now = clock.now()
    let nowText = Timestamp.format(now)
    let progress = observer.progress("importing", total: records.count)
    defer { progress.finish() }
    return try store.bulkWrite { tx in
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
        let activated = try time(r.activatedAt, "activated_at", &rowProblems)
        let created = try time(r.createdAt, "created_at", &rowProblems) ?? nowText
        if !rowProblems.isEmpty {
          problems.append(
            ImportParser.Problem(line: line, text: rowProblems.joined(separator: "; ")))
          continue
        }
        accounts.append(
          Account(
            id: "", email: email, passwordHash: hash.isEmpty ? nil : hash,
            activatedAt: activated, createdAt: created, updatedAt: nowText, disabledAt: nil,
            failedLogins: 0, lockedUntil: nil, lastLoginAt: nil, passwordGenerated: false,
            stamp: nil))
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
      try tx.record(
        AuditEvent(
          at: nowText, event: "admin.import",
          detail: "imported \(accounts.count) account(s), skipped \(skipped)"))
      return ImportResult(imported: accounts.count, skipped: skipped)
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

  /// An optional ISO-8601 time as stored text, or a problem.
  func time(_ text: String?, _ name: String, _ problems: inout [String]) throws -> String? {
    guard let text, !text.isEmpty else { return nil }
    guard let seconds = Timestamp.parse(text) else {
      problems.append("\(name) '\(EmailAddress.printable(text))' is not an ISO 8601 time")
      return nil
    }
    // Already in the stored form (the export's): kept as it is.
    let b = text.utf8
    if b.count == 20, b.last == UInt8(ascii: "Z"), b.dropFirst(10).first == UInt8(ascii: "T") {
      return text
    }
    return Timestamp.format(seconds)
  }
}

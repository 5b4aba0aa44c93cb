#if PostgreSQL
  extension StoreError {
    /// The one place a PostgreSQL error (its SQLSTATE, Appendix A of the manual,
    /// https://www.postgresql.org/docs/current/errcodes-appendix.html) becomes a typed error:
    /// its kind, and a message with the server's primary text and the SQL — never a bound
    /// value, never the server's DETAIL (which may quote one).
    static func postgres(
      state: String?, message: String, sql: String?, connectionLost: Bool, display: String
    ) -> StoreError {
      let text = PGConnection.trim(message)
      let kind: StoreErrorKind =
        connectionLost ? .unreachable : state.map(StoreErrorKind.init(sqlState:)) ?? .other
      switch kind {
      case .busy:
        return .engine(kind: .busy, message: "database busy, retry (\(text))")
      case .unreachable:
        return .engine(
          kind: .unreachable,
          message:
            "the PostgreSQL server of \(display) went away (\(text)); nothing was changed, retry")
      case .full:
        return .engine(
          kind: .full, message: "the database server's disk is full; nothing was changed (\(text))")
      case .readOnly:
        return .engine(
          kind: .readOnly,
          message:
            "the PostgreSQL server of \(display) is read-only (a standby?): \(text); connect to the primary (target_session_attrs=read-write)"
        )
      default:
        let shown = sql.map {
          " (in: \($0.split(whereSeparator: \.isNewline).joined(separator: " ")))"
        }
        return .engine(kind: kind, message: "database error \(state ?? "?"): \(text)\(shown ?? "")")
      }
    }

    /// A connection that could not be made, from libpq's message (the server's startup errors
    /// carry no SQLSTATE libpq hands out, so the text decides; libpq's own texts are English
    /// since authctl never calls setlocale, and so are the server's in the default locale).
    static func postgresConnection(_ text: String, display: String) -> StoreError {
      let lower = text.lowercased()
      func has(_ s: String) -> Bool { lower.contains(s) }
      if has("password authentication failed") || has("no password supplied")
        || has("authentication failed") || has("no pg_hba.conf entry")
        || (has("role ") && has("does not exist")) || has("password is required")
      {
        return .engine(
          kind: .authentication,
          message:
            "the PostgreSQL server of \(display) refused the login: \(text) (passwords come from ~/.pgpass, PGPASSFILE or PGPASSWORD)"
        )
      }
      if has("database ") && has("does not exist") {
        return .engine(
          kind: .missing,
          message: "\(text) (create it with 'createdb', then 'authctl --db … migrate')")
      }
      if has("certificate") || has("ssl") && (has("verify") || has("does not match")) {
        return .engine(
          kind: .untrusted,
          message: "the PostgreSQL server of \(display) could not be verified: \(text)")
      }
      if has("server does not support ssl") || has("sslmode value")
        || has("invalid ")
          && has("value")
      {
        return .engine(kind: .unsupported, message: "cannot connect to \(display): \(text)")
      }
      // Refused, timed out, no socket, starting up, shutting down, too many connections: retry.
      return .engine(
        kind: .unreachable,
        message: "cannot reach the PostgreSQL server of \(display): \(text); retry")
    }
  }

  extension StoreErrorKind {
    /// The kind of a SQLSTATE, by its class (the first two characters) or the whole code.
    init(sqlState s: String) {
      switch s {
      // serialization failure, deadlock, lock not available, statement timeout
      case "40001", "40P01", "55P03", "57014": self = .busy
      case "57P01", "57P02", "57P03", "53300": self = .unreachable  // shutdown, starting, too many
      case "28000", "28P01": self = .authentication
      case "3D000": self = .missing
      case "53100": self = .full
      case "25006": self = .readOnly
      case "42501": self = .permission
      case "XX001", "XX002": self = .corrupt
      default:
        switch s.prefix(2) {
        case "08": self = .unreachable  // connection exception
        case "23": self = .constraint
        case "58": self = .io
        default: self = .other
        }
      }
    }
  }
#endif

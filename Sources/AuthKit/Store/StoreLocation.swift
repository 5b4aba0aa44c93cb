/// Where the accounts live, as `--db` / `AUTHCTL_DB` names it (issue 13):
///
/// - a path: a SQLite file (the default, `./authctl.sqlite`);
/// - a `postgres://` or `postgresql://` URL (libpq's connection URI,
///   https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS);
/// - `postgres:` followed by a libpq keyword/value string (`postgres:host=/run/postgresql
///   dbname=auth`).
///
/// A password in the text is libpq's to use, but it is never shown: `display` masks it, and
/// every message names the store by `display`. (Keep passwords in `~/.pgpass`, `PGPASSFILE` or
/// `PGPASSWORD`, libpq's own sources.)
public enum StoreLocation: Sendable, Equatable {
  case sqlite(path: String)
  /// The libpq connection string: a URI as given, or the keyword/value text after `postgres:`.
  case postgres(conninfo: String)

  public init(_ text: String) {
    let lower = text.lowercased()
    if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
      self = .postgres(conninfo: text)
    } else if lower.hasPrefix("postgres:") {
      self = .postgres(conninfo: String(text.dropFirst("postgres:".count)))
    } else {
      self = .sqlite(path: text)
    }
  }

  public var isPostgres: Bool {
    if case .postgres = self { return true }
    return false
  }

  /// True when the text carries a password (a URI's `user:password@` or `password=`
  /// parameter, a keyword string's `password=`).
  public var hasPassword: Bool {
    guard case .postgres(let conninfo) = self else { return false }
    return Self.masked(conninfo) != conninfo
  }

  /// The location for messages and `authctl config`: a path as is; a connection string with
  /// any password replaced by `****`.
  public var display: String {
    switch self {
    case .sqlite(let path): return path
    case .postgres(let conninfo):
      let masked = Self.masked(conninfo)
      return conninfo.contains("://") ? masked : "postgres:" + masked
    }
  }

  /// `conninfo` with every password value replaced by `****`.
  static func masked(_ conninfo: String) -> String {
    conninfo.contains("://") ? maskedURI(conninfo) : maskedKeywords(conninfo)
  }

  /// A URI: the password of `user:password@` (RFC 3986 §3.2.1 userinfo) and any `password=`
  /// query parameter.
  static func maskedURI(_ uri: String) -> String {
    guard let schemeEnd = uri.firstRange(of: "://") else { return uri }
    var head = String(uri[..<schemeEnd.upperBound])
    var rest = Substring(uri[schemeEnd.upperBound...])
    // The authority ends at the first '/', '?' or '#'; its userinfo before the last '@'.
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    if let at = authority.lastIndex(of: "@") {
      let userinfo = authority[..<at]
      if let colon = userinfo.firstIndex(of: ":") {
        head += userinfo[..<colon] + ":****"
        rest = rest[at...]
      }
    }
    guard let q = rest.firstIndex(of: "?") else { return head + rest }
    let path = rest[..<q]
    let fragmentStart = rest[q...].firstIndex(of: "#") ?? rest.endIndex
    let query = rest[rest.index(after: q)..<fragmentStart].split(
      separator: "&", omittingEmptySubsequences: false
    ).map { pair -> String in
      let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      return name.lowercased() == "password" ? "\(name)=****" : String(pair)
    }
    return head + path + "?" + query.joined(separator: "&") + rest[fragmentStart...]
  }

  /// A keyword/value string (`key = value`, values optionally single-quoted with `\'` and
  /// `\\` escapes, as libpq's `conninfo_parse`): every `password` value.
  static func maskedKeywords(_ text: String) -> String {
    let chars = Array(text)
    var out = ""
    var i = 0
    func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
    while i < chars.count {
      // White space between pairs, kept.
      while i < chars.count, isSpace(chars[i]) {
        out.append(chars[i])
        i += 1
      }
      guard i < chars.count else { break }
      var key = ""
      while i < chars.count, chars[i] != "=", !isSpace(chars[i]) {
        key.append(chars[i])
        i += 1
      }
      out += key
      while i < chars.count, isSpace(chars[i]) {
        out.append(chars[i])
        i += 1
      }
      guard i < chars.count, chars[i] == "=" else { continue }
      out.append("=")
      i += 1
      while i < chars.count, isSpace(chars[i]) {
        out.append(chars[i])
        i += 1
      }
      var value = ""
      if i < chars.count, chars[i] == "'" {
        value.append("'")
        i += 1
        while i < chars.count, chars[i] != "'" {
          if chars[i] == "\\", i + 1 < chars.count {
            value.append(chars[i])
            i += 1
          }
          value.append(chars[i])
          i += 1
        }
        if i < chars.count {
          value.append("'")
          i += 1
        }
      } else {
        while i < chars.count, !isSpace(chars[i]) {
          if chars[i] == "\\", i + 1 < chars.count {
            value.append(chars[i])
            i += 1
          }
          value.append(chars[i])
          i += 1
        }
      }
      out += key == "password" ? "****" : value
    }
    return out
  }
}

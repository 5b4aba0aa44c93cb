/// Text that did not come from authctl itself (server replies, stored addresses and reasons,
/// file rows), made safe to print on a terminal: every character a terminal may act on is
/// shown escaped instead of sent raw.
///
/// Escaped: the C0 controls and DEL (ECMA-48 §5.2 — ESC starts every terminal escape
/// sequence), the C1 controls U+0080–U+009F (ECMA-48 §5.3: CSI, OSC, … as single characters)
/// and the bidirectional formatting characters (Unicode UAX #9 §2: LRM, RLM, ALM, the
/// embeddings, overrides and isolates, which reorder what is shown — CVE-2021-42574, "Trojan
/// Source"). ESC is shown as `\e`, TAB, LF and CR as `\t`, `\n`, `\r`, other C0 and DEL as
/// `\xHH`, the rest as `\u{HHHH}`. A backslash itself is not doubled: the result is for
/// people, not for parsing back.
public enum TerminalText {
  /// Whether `scalar` is one `escaped` replaces.
  public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return v < 0x20 || (0x7f...0x9f).contains(v) || v == 0x061c || v == 0x200e || v == 0x200f
      || (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v)
  }

  /// `text` with every control and bidirectional formatting character escaped; with
  /// `keepingLineBreaks`, LF (and TAB) stay as they are (a multi-line body).
  public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = String.UnicodeScalarView()
    for s in text.unicodeScalars {
      guard needsEscape(s), !(keepingLineBreaks && (s == "\n" || s == "\t")) else {
        out.append(s)
        continue
      }
      out.append(contentsOf: escape(s).unicodeScalars)
    }
    return String(out)
  }

  /// The bytes of UTF-8 `bytes` (invalid sequences shown as U+FFFD), escaped as `escaped`
  /// does; unchanged bytes are copied as they are.
  public static func escaped(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    let plain = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f }
    if plain { return Array(bytes) }
    return Array(escaped(String(decoding: bytes, as: UTF8.self)).utf8)
  }

  static func escape(_ s: Unicode.Scalar) -> String {
    let hex = String(s.value, radix: 16, uppercase: true)
    switch s.value {
    case 0x1b: return "\\e"
    case 0x09: return "\\t"
    case 0x0a: return "\\n"
    case 0x0d: return "\\r"
    case 0..<0x20, 0x7f: return "\\x" + (hex.count == 1 ? "0" : "") + hex
    default: return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
    }
  }
}

import Testing

@testable import AuthKit

/// Issue 11, properties 5 and 14 below the binary: the strict JSON reader of tokens, the
/// year-9999 bound of stored times, and which env-file keys take in a secret.
@Suite struct SecurityFileUnitTests {
  static func parse(_ text: String) -> JSONValue? { JSONParser.parse(Array(text.utf8)) }

  @Test func duplicateNamesAreRefusedAtEveryDepth() {
    for text in [
      #"{"a":1,"a":1}"#, #"{"a":1,"\u0061":2}"#, #"{"s":{"e":"x","e":"y"}}"#,
      #"[{"k":true,"k":false}]"#, #"{"é":1,"\u00e9":2}"#,
    ] {
      #expect(Self.parse(text) == nil, "\(text)")
    }
    #expect(
      Self.parse(#"{"a":1,"b":{"a":2}}"#) == .object(["a": .int(1), "b": .object(["a": .int(2)])]))
  }

  @Test func strictGrammar() {
    for text in [
      "{", #"{"a":1,}"#, "[1,]", "01", "1.", "NaN", "Infinity", #"{"a":1} x"#, "\"\u{01}\"",
      #""\ud800""#, #""\udc00x""#, "tru",
      String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
    ] {
      #expect(Self.parse(text) == nil, "\(text)")
    }
    #expect(
      Self.parse(#" {"n":-12,"d":1.5e3,"s":"\ud83d\ude00\n","z":null} "#)
        == .object([
          "n": .int(-12), "d": .double(1500), "s": .string("😀\n"), "z": .null,
        ]))
    #expect(Self.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
  }

  @Test func storedTimesNeverPassYear9999() {
    #expect(Timestamp.format(Int64.max) == "9999-12-31T23:59:59Z")
    #expect(Timestamp.format(Timestamp.range.upperBound) == "9999-12-31T23:59:59Z")
    #expect(Timestamp.format(Int64.min) == "0001-01-01T00:00:00Z")
    #expect(Timestamp.parse("9999-12-31T23:59:59Z") == Timestamp.range.upperBound)
    #expect(Timestamp.parse("9999-12-31T23:30:00-01:00") == nil)
    #expect(DurationText.maximum == 36525 * 86_400)
    // The longest duration from a clock far in the future still stays below year 9999.
    #expect(Timestamp.parse("9000-01-01")! + DurationText.maximum < Timestamp.range.upperBound)
  }

  @Test func keysTakingASecretAreFound() {
    let file = EnvFile(
      parsing: """
        JWT_SECRET=s3cret-value
        APP_URL=https://x/${JWT_SECRET}
        A=${MAIL_PASSWORD:-none}
        B=${A}
        C='${PLAIN}'
        B=clean again
        D=${B}
        """)
    let d = file.derived(from: ["JWT_SECRET", "MAIL_PASSWORD"])
    #expect(d["APP_URL"]?.secret == "JWT_SECRET" && d["APP_URL"]?.line == 2)
    #expect(d["A"]?.secret == "MAIL_PASSWORD")
    #expect(d["B"] == nil && d["C"] == nil && d["D"] == nil && d["JWT_SECRET"] == nil)
  }
}

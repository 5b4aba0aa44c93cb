import Foundation
import Testing

@testable import AuthKit

/// The one JSON writer (RFC 8259): tokens' objects and authctl's rows.
@Suite struct JSONWriterTests {
  static func string(_ bytes: [UInt8]) -> String {
    var w = JSONWriter(into: [UInt8]())
    bytes.withUnsafeBufferPointer { w.string($0) }
    return String(decoding: w.sink, as: UTF8.self)
  }

  @Test func stringEscapes() {
    #expect(Self.string(Array("plain é ✓ 日本".utf8)) == #""plain é ✓ 日本""#)
    #expect(Self.string(Array("q\"b\\n\nr\rt\t".utf8)) == #""q\"b\\n\nr\rt\t""#)
    #expect(Self.string([0, 1, 0x1b, 0x1f, 0x20]) == #""\u0000\u0001\u001b\u001f ""#)
    // DEL, C1 and the bidi formatting characters, as \uXXXX; other non-ASCII stays raw.
    #expect(Self.string(Array("a\u{7F}b\u{85}c\u{9B}".utf8)) == #""a\u007fb\u0085c\u009b""#)
    #expect(
      Self.string(Array("x\u{202E}y\u{2066}z\u{200F}\u{061C}é".utf8))
        == #""x\u202ey\u2066z\u200f\u061cé""#)
    // Not UTF-8: read as U+FFFD.
    #expect(Self.string([0x61, 0xff, 0x62]) == "\"a\u{FFFD}b\"")
  }

  /// What it writes parses back to the same value (Foundation's parser).
  @Test func roundTrips() throws {
    let text = "a\u{0}\u{7F}\u{9B}\u{202E}\"\\\n é 🎉"
    var w = JSONWriter(into: [UInt8]())
    w.beginObject()
    w.key(JSONKey("k\"ey"))
    w.string(text)
    w.key(JSONKey("n"))
    w.integer(Int64(-12))
    w.key(JSONKey("b"))
    w.bool(true)
    w.key(JSONKey("z"))
    w.null()
    w.key(JSONKey("list"))
    w.strings(["x", "\u{1}"])
    w.endObject()
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(w.sink)) as? [String: Any])
    #expect(object["k\"ey"] as? String == text)
    #expect(object["n"] as? Int == -12 && object["b"] as? Bool == true)
    #expect(object["z"] is NSNull)
    #expect(object["list"] as? [String] == ["x", "\u{1}"])
  }

  /// A token's objects: compact, members in the order given, a nested object.
  @Test func compactObjectsInOrder() {
    var sub = JSONWriter()
    sub.add("email", "ann@example.com")
    sub.add("user_id", "u1")
    var w = JSONWriter()
    w.add("alg", "HS256")
    w.add("aud", ["a", "b"])
    w.add("iat", Int64(1_764_072_000))
    w.add("sub", sub)
    w.add("fp", "x")
    #expect(
      String(decoding: w.finished, as: UTF8.self)
        == #"{"alg":"HS256","aud":["a","b"],"iat":1764072000,"sub":{"email":"ann@example.com","user_id":"u1"},"fp":"x"}"#
    )
    #expect(String(decoding: JSONWriter().finished, as: UTF8.self) == "{}")
  }
}

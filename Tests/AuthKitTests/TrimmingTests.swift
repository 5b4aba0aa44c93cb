import AuthKit
import Testing

/// The one trimming routine and its three sets of blanks.
@Suite struct TrimmingTests {
  @Test func eachSetTrimsItsBlanksOnly() {
    let text = "\u{0B}\r\n \tvalue \t\n\u{0C}"
    #expect(text.trimmingASCIIWhitespace() == "value")
    #expect(text.trimming(Blanks.asciiWhitespace) == "value")
    #expect(text.trimming(Blanks.spaceTabAndLineEnds) == "\u{0B}\r\n \tvalue \t\n\u{0C}")
    #expect(" \r\n value\r\n".trimming(Blanks.spaceTabAndLineEnds) == "value")
    #expect(" \tvalue\r\n".trimming(Blanks.spaceAndTab) == "value\r\n")
    #expect(" \t ".trimmingASCIIWhitespace().isEmpty && "".trimming(Blanks.spaceAndTab).isEmpty)
    // Inside blanks stay; a Substring trims too.
    #expect("  a b  ".trimming(Blanks.spaceAndTab) == "a b")
    #expect("x, a b ,y".split(separator: ",")[1].trimmingASCIIWhitespace() == "a b")
  }

  /// By Unicode scalar: a blank before a combining mark goes, the mark stays; a CR LF pair
  /// (one Character) goes too.
  @Test func byScalarNotCharacter() {
    #expect(" \u{0301}é\u{00A0}".trimming(Blanks.spaceAndTab) == "\u{0301}é\u{00A0}")
    #expect("25\r\n".trimming(Blanks.spaceTabAndLineEnds) == "25")
  }
}

import AuthKit
import Testing

@Test func versionIsSemantic() {
  #expect(authctlVersion.split(separator: ".").count == 3)
}

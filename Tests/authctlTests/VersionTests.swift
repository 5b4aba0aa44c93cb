import Testing
import TestSupport

@Test func versionPrints() throws {
  let r = try authctl(["--version"])
  #expect(r.status == 0)
  #expect(r.stdout.hasPrefix("authctl "))
}

// libFuzzer target: EmailAddress.normalize never traps, and what it accepts keeps its promises.
@testable import AuthKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let raw = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let email = try? EmailAddress.normalize(raw) else { return 0 }
  let bytes = Array(email.utf8)
  precondition(bytes.count <= 254, "accepted an address of \(bytes.count) bytes")
  precondition(email == email.lowercased(), "accepted an address that is not lower-case")
  precondition(bytes.filter { $0 == UInt8(ascii: "@") }.count == 1, "not exactly one '@'")
  guard let again = try? EmailAddress.normalize(email) else {
    preconditionFailure("normalize refused its own output")
  }
  precondition(again == email, "normalize is not idempotent")
  return 0
}

/// Where written bytes go: a byte array (a token's header and claims), or authctl's buffered
/// stdout.
public protocol ByteSink {
  mutating func write(_ bytes: UnsafeRawBufferPointer)
  mutating func write(_ byte: UInt8)
}

extension Array: ByteSink where Element == UInt8 {
  public mutating func write(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
  public mutating func write(_ byte: UInt8) { append(byte) }
}
